/** Types of internal-props.mjs (plain JS so rollup.config.mjs can import it without a loader). */
export function internalProps(root?: string): string[];
export function internalPropsRegex(root?: string): RegExp;
