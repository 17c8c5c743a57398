/**
 * Property names the minifier may shorten: TypeScript `private` members, and every member of the
 * classes in INTERNAL_CLASSES, whose name occurs in the browser sources only as a class member's
 * declaration or as `x.name` / `x?.name`. Read from the
 * syntax tree, so comments do not count but everything else does: a name that is also an
 * object-literal key, an interface or type member, a public field, a destructured binding, a
 * variable or inside a string could reach JSON on the wire, a postMessage payload, the DOM or the
 * public API, and is left alone; so are names comlink's source uses, and terser itself never
 * touches the DOM and built-in names it knows. Computed at build time, so new code cannot leave a
 * stale list behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOTS = ['src', 'worklets'];
/** Node-only folders: never in a minified browser file. */
const NODE_ONLY = /^src[\\/](server|emulator)([\\/]|$)/;
/**
 * Files whose classes reach apps or the browser: the session, errors, the event emitter, the
 * element and its DOM event, the testing fakes, the framework controllers, and the worklet
 * processors (the audio engine calls their methods). Every other class is internal (held
 * privately by the session, the element, the worker or a worklet), so its public members are as
 * internal as `private` ones. One name cache across every minified file (rollup.config.mjs) gives
 * a member the same short name in each, so a class built into one file may be used from another.
 */
const PUBLIC_CLASSES =
  /^(?:src\/core\/(?:session|errors|events)|src\/element\/(?:element|events)|src\/(?:testing|frameworks|react|vue)\/[\w-]+|worklets\/[\w-]+\.worklet)\.ts$/;
/** Short names gain little and are the likeliest to mean something elsewhere. */
const MIN_LENGTH = 3;

function sources(root, dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return NODE_ONLY.test(relative(root, path)) ? [] : sources(root, path);
    return /\.ts$/.test(d.name) && !/\.test\.ts$/.test(d.name) ? [path] : [];
  });
}

const isPrivate = (node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword);

const hasModifier = (node, kind) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

/** Inside `declare global {…}`, a `declare module` or a `declare` statement: names of the world. */
function ambient(node) {
  for (let n = node; n; n = n.parent)
    if (ts.isModuleDeclaration(n) || hasModifier(n, ts.SyntaxKind.DeclareKeyword)) return true;
  return false;
}

/**
 * A local name (a variable, parameter, function or class of one module, or a use of one): terser
 * never renames a property after it, so it need not hold a member's name back. Not local: a name
 * that is also a key (`{ name }`, `const { name } = x`), an import or export (the IIFE's exports
 * are properties of its global; dynamic imports read a chunk's exports as properties), and
 * anything declared ambient (`declare global`: properties of globalThis).
 */
function local(node) {
  const { parent } = node;
  if (ambient(node)) return false;
  // Declarations of a module's own bindings.
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassExpression(parent)) &&
    parent.name === node
  ) {
    const statement = ts.isVariableDeclaration(parent) ? parent.parent.parent : parent;
    return !hasModifier(statement, ts.SyntaxKind.ExportKeyword);
  }
  if (ts.isParameter(parent))
    return parent.initializer === node || (parent.name === node && !parent.modifiers?.length);
  if (ts.isBindingElement(parent))
    return (
      parent.initializer === node ||
      (parent.name === node && (!!parent.propertyName || ts.isArrayBindingPattern(parent.parent)))
    );
  // A value given to a key, a variable, a field or a default: a use of a binding.
  if (INITIALIZED.has(parent.kind)) return parent.initializer === node;
  // Uses of a binding (never a key or member name: those parents are handled above or not here).
  return (
    USES.has(parent.kind) || (ts.isPropertyAccessExpression(parent) && parent.expression === node)
  );
}
const K = ts.SyntaxKind;
/** Parents whose `initializer` is a value (their name is handled before, or is a key). */
const INITIALIZED = new Set([K.PropertyAssignment, K.VariableDeclaration, K.PropertyDeclaration]);
/** Parents under which an identifier can only be a use of a binding. */
const USES = new Set([
  K.CallExpression,
  K.NewExpression,
  K.BinaryExpression,
  K.PrefixUnaryExpression,
  K.PostfixUnaryExpression,
  K.ConditionalExpression,
  K.ReturnStatement,
  K.IfStatement,
  K.WhileStatement,
  K.DoStatement,
  K.ForStatement,
  K.ForOfStatement,
  K.ForInStatement,
  K.ExpressionStatement,
  K.ArrayLiteralExpression,
  K.SpreadElement,
  K.SpreadAssignment,
  K.TemplateSpan,
  K.ElementAccessExpression,
  K.AwaitExpression,
  K.TypeOfExpression,
  K.VoidExpression,
  K.DeleteExpression,
  K.ParenthesizedExpression,
  K.AsExpression,
  K.SatisfiesExpression,
  K.NonNullExpression,
  K.TypeAssertionExpression,
  K.ArrowFunction,
  K.ThrowStatement,
  K.SwitchStatement,
  K.CaseClause,
  K.ComputedPropertyName,
  K.TaggedTemplateExpression,
  K.TypeReference,
  K.TypeQuery,
  K.ExpressionWithTypeArguments,
]);

/** Names safe to mangle, for terser's `mangle.properties.regex`. */
export function internalProps(root = '.') {
  const declared = new Set();
  /** Names seen anywhere else: as a word in any other identifier position or literal text. */
  const elsewhere = new Set();
  const words = (text) => {
    for (const w of text.match(/[A-Za-z_$][\w$]*/g) ?? []) elsewhere.add(w);
  };
  for (const file of ROOTS.flatMap((r) => sources(root, join(root, r)))) {
    const internalClasses = !PUBLIC_CLASSES.test(relative(root, file).replaceAll('\\', '/'));
    const tree = ts.createSourceFile(
      file,
      readFileSync(file, 'utf8'),
      ts.ScriptTarget.Latest,
      true,
    );
    const visit = (node) => {
      if (ts.isIdentifier(node)) {
        const { parent } = node;
        const member =
          (ts.isPropertyDeclaration(parent) ||
            ts.isMethodDeclaration(parent) ||
            ts.isGetAccessorDeclaration(parent) ||
            ts.isSetAccessorDeclaration(parent) ||
            ts.isParameter(parent)) &&
          parent.name === node;
        const ofClass = ts.isClassLike(
          ts.isParameter(parent) ? parent.parent.parent : parent.parent,
        );
        if (
          member &&
          (isPrivate(parent) || (internalClasses && ofClass && !ts.isParameter(parent)))
        )
          declared.add(node.text);
        else if (!(ts.isPropertyAccessExpression(parent) && parent.name === node) && !local(node))
          elsewhere.add(node.text);
      } else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
        words(node.text);
      } else if (ts.isRegularExpressionLiteral(node) || ts.isPrivateIdentifier(node)) {
        words(node.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(tree);
  }
  words(readFileSync(join(root, 'node_modules/comlink/dist/esm/comlink.mjs'), 'utf8'));
  return [...declared].filter((n) => n.length >= MIN_LENGTH && !elsewhere.has(n)).sort();
}

export const internalPropsRegex = (root) => new RegExp(`^(?:${internalProps(root).join('|')})$`);
