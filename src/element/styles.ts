/**
 * Shadow-DOM styles of `<live-agent>`. Themable through `--live-agent-*` custom properties and
 * `::part()`; light/dark follows `prefers-color-scheme` unless `theme="light|dark"` is set.
 */

// Dark palette, applied by [theme=dark] and by the media query when no theme is forced.
const DARK =
  '--_bg:var(--live-agent-bg,#202124);--_fg:var(--live-agent-fg,#e8eaed);' +
  '--_mu:var(--live-agent-muted,#bdc1c6);--_bd:var(--live-agent-border,#5f6368);' +
  '--_a:var(--live-agent-accent,#8ab4f8);--_on:var(--live-agent-on-accent,#202124);' +
  '--_lane:var(--live-agent-user-bg,#263a5e);--_err:var(--live-agent-error,#f28b82);--_ok:#81c995';

/**
 * The element's stylesheet text (no CSS comments: they would ship in the bundle; each line ends in
 * a line continuation, so the text has no newlines to escape either). Only the short
 * connecting states pulse: while the agent speaks the output meter moves instead (an endless
 * animation there would cost a compositor frame 60 times a second). The log is positioned: it
 * holds each caption's screen-reader prefix (`.sr`, absolutely positioned), which otherwise sits
 * in the page's own box at its unscrolled place, below the log, and grows the page as turns come.
 */
export const STYLES = `\
:host{--_bg:var(--live-agent-bg,#fff);--_fg:var(--live-agent-fg,#1f1f1f);--_mu:var(--live-agent-muted,#5f6368);\
--_bd:var(--live-agent-border,#dadce0);--_a:var(--live-agent-accent,#1a73e8);--_on:var(--live-agent-on-accent,#fff);\
--_lane:var(--live-agent-user-bg,#e8f0fe);--_err:var(--live-agent-error,#c5221f);--_ok:#188038;--_r:var(--live-agent-radius,12px);\
display:block;box-sizing:border-box;max-width:var(--live-agent-width,480px);padding:12px;color:var(--_fg);\
background:var(--_bg);border:1px solid var(--_bd);border-radius:var(--_r);\
font:14px/1.45 var(--live-agent-font,system-ui,-apple-system,"Segoe UI",sans-serif)}\
:host([hidden]){display:none}\
:host([theme=dark]){${DARK}}\
@media (prefers-color-scheme:dark){:host(:not([theme=light])){${DARK}}}\
*{box-sizing:border-box}\
[hidden]{display:none!important}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}\
:host(:not([layout=compact])){container-type:inline-size}\
.bar,.row{display:flex;align-items:center;gap:8px;flex-wrap:nowrap;min-width:0}\
.row{margin-top:8px}\
button,input{font:inherit;color:inherit}\
button{cursor:pointer;border:1px solid var(--_bd);background:transparent;border-radius:calc(var(--_r)*2);\
padding:6px 12px;min-height:36px;flex:none;white-space:nowrap}\
.row button{min-height:28px;padding:2px 10px;font-size:12px}\
button:focus-visible,input:focus-visible{outline:2px solid var(--_a);outline-offset:2px}\
button[aria-pressed=true]{border-color:var(--_a)}\
.talk{display:inline-flex;align-items:center;gap:8px;background:var(--_a);color:var(--_on);border-color:var(--_a);\
font-weight:600;min-width:9em;justify-content:center;touch-action:none;user-select:none;-webkit-user-select:none}\
.talk i{flex:none;width:10px;height:10px;border-radius:50%;background:currentColor;opacity:.9}\
.bar[data-call]{padding:4px;margin:-4px;border-radius:calc(var(--_r)*2);background:var(--_lane)}\
.bar[data-call] .talk{background:var(--_bg);color:var(--_fg)}\
.bar[data-call] .talk i{background:var(--_ok);opacity:1}\
.end{background:var(--_err);border-color:var(--_err);color:var(--_on);font-weight:600}\
.talk[data-state=connecting] i,.talk[data-state=reconnecting] i{animation:p 1s infinite alternate}\
.talk[data-state=error]{background:var(--_err);border-color:var(--_err)}\
@keyframes p{to{opacity:.2}}\
@media (prefers-reduced-motion:reduce){.talk i{animation:none!important}}\
.lv{display:inline-grid;gap:3px;flex:0 1 auto;width:56px;min-width:16px;position:relative}\
.lv span{display:block;height:5px;border-radius:3px;background:var(--_bd)}\
.lv canvas{position:absolute;inset:0;width:100%;height:100%;color:var(--_a)}\
.st{color:var(--_mu);flex:1 1 auto;min-width:0}\
.st[data-error]{color:var(--_err)}\
.st[data-hint]{color:var(--_fg);font-weight:600}\
@container (max-width:380px){.talk{min-width:0;gap:6px}.bar button{padding:6px 9px}}\
.log{margin:10px 0 0;max-height:var(--live-agent-transcript-height,260px);overflow-y:auto;display:flex;\
flex-direction:column;gap:6px;position:relative}\
.log:empty{display:none}\
.t{margin:0;padding:6px 10px;border-radius:10px;max-width:88%;white-space:pre-wrap;overflow-wrap:anywhere;\
align-self:flex-start;border:1px solid var(--_bd)}\
.t[data-role=user]{align-self:flex-end;background:var(--_lane);border-color:transparent}\
.t[data-final=false]{font-style:italic}\
.int{margin-left:6px;padding:0 6px;border:1px solid var(--_bd);border-radius:6px;font-size:12px;font-style:normal;\
color:var(--_mu);white-space:nowrap}\
form{display:flex;gap:8px;margin-top:10px}\
input{flex:1;min-width:0;padding:6px 10px;border:1px solid var(--_bd);border-radius:calc(var(--_r)*2);\
background:transparent;min-height:36px}\
.mx{margin:10px 0 0;display:grid;grid-template-columns:auto 1fr;gap:2px 12px;color:var(--_mu);font-size:12px}\
.mx dd{margin:0;font-variant-numeric:tabular-nums;color:var(--_fg)}\
:host([layout=compact]){display:inline-block;padding:6px;border-radius:calc(var(--_r)*3)}\
:host([layout=compact]) .log{max-height:3em;margin-top:6px}\
:host([layout=compact]) .log .t:not(:last-of-type){display:none}\
:host([layout=compact]) form,:host([layout=compact]) .mx,:host([layout=compact]) .mxb{display:none}\
:host([layout=compact]) .st{flex-basis:auto}\
:host([transcript=hide]) .log{display:none}\
`;

const sheets = new WeakMap<object, CSSStyleSheet>();

/**
 * Applies {@link STYLES} to a shadow root. Constructed stylesheets are not subject to CSP
 * `style-src` (a `<style>` element in shadow DOM is), so they keep strict-CSP pages working;
 * one sheet per document is shared by every instance. Old engines get a `<style>` element.
 */
export function applyStyles(root: ShadowRoot): void {
  const view = root.ownerDocument.defaultView;
  const Sheet = view?.CSSStyleSheet;
  if (Sheet && 'adoptedStyleSheets' in root && 'replaceSync' in Sheet.prototype) {
    let sheet = sheets.get(Sheet);
    if (!sheet) {
      sheet = new Sheet();
      sheet.replaceSync(STYLES);
      sheets.set(Sheet, sheet);
    }
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = root.ownerDocument.createElement('style');
  style.textContent = STYLES;
  root.append(style);
}
