/**
 * Building DOM safely: elements are created with `createElement`, text is set with text
 * nodes, attributes with `setAttribute`. No markup string is ever parsed, so a value from the
 * store (a job name, an error message) can only ever show as text.
 */
import { SVG_NS, type SvgNode } from './svg-node.js';

/** A child of {@link el}: a node, text, or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of {@link el}: `class`, `id`, `aria-*`, `data-*`, …; `null`/`undefined`/`false` omit one, `true` sets it empty. */
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Creates an HTML element with attributes and children (text children become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttrs(element, attrs);
  append(element, children);
  return element;
}

/** Sets (or, for `null`/`undefined`/`false`, removes) attributes. */
export function setAttrs(element: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) element.removeAttribute(name);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Appends children (text children as text nodes). */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Turns an {@link SvgNode} tree into SVG DOM (attributes via `setAttribute`, text as text nodes). */
export function svgToDom(node: SvgNode): SVGElement {
  const element = document.createElementNS(SVG_NS, node.tag) as SVGElement;
  for (const [name, value] of Object.entries(node.attrs)) if (name !== 'xmlns') element.setAttribute(name, String(value));
  for (const child of node.children) element.appendChild(typeof child === 'string' ? document.createTextNode(child) : svgToDom(child));
  return element;
}

/** A `<time>` element showing `text` for the instant `at`. */
export function timeEl(at: number, text: string, attrs: Attrs = {}): HTMLTimeElement {
  return el('time', { datetime: new Date(at).toISOString(), ...attrs }, text);
}
