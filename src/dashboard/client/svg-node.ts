/**
 * A tiny, framework-free description of SVG (and HTML) elements: the pure renderers
 * (`renderTimeline`, `renderDurationChart`) return {@link SvgNode} trees, the browser turns
 * them into DOM with `createElementNS` and `textContent` (never markup), and tests and the
 * server serialise them with {@link toMarkup}, which escapes every text and attribute value.
 */

/** One element: its tag, attributes and children (elements or plain text). */
export interface SvgNode {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string | number>>;
  readonly children: readonly (SvgNode | string)[];
}

/** The SVG namespace. */
export const SVG_NS = 'http://www.w3.org/2000/svg';

/** Builds an {@link SvgNode}. Text children are kept as text; they are escaped on output. */
export function s(tag: string, attrs: Readonly<Record<string, string | number | null | undefined>> = {}, ...children: (SvgNode | string | null | undefined | false)[]): SvgNode {
  const kept: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(attrs)) if (value !== null && value !== undefined) kept[name] = value;
  return { tag, attrs: kept, children: children.filter((child): child is SvgNode | string => child !== null && child !== undefined && child !== false) };
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '` for use in markup text or a quoted attribute value. */
export function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** Serialises a tree as markup, escaping every text and attribute value. */
export function toMarkup(node: SvgNode | string): string {
  if (typeof node === 'string') return escapeMarkup(node);
  const attrs = Object.entries(node.attrs)
    .map(([name, value]) => ` ${name}="${escapeMarkup(String(value))}"`)
    .join('');
  return `<${node.tag}${attrs}>${node.children.map(toMarkup).join('')}</${node.tag}>`;
}

/** Every element of the tree (depth first, the root included) for which `test` holds. */
export function findAll(node: SvgNode, test: (node: SvgNode) => boolean): SvgNode[] {
  const found: SvgNode[] = [];
  const visit = (current: SvgNode): void => {
    if (test(current)) found.push(current);
    for (const child of current.children) if (typeof child !== 'string') visit(child);
  };
  visit(node);
  return found;
}

/** The concatenated text of a node and its descendants. */
export function textOf(node: SvgNode | string): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

/** Whether the node's `class` attribute contains `name`. */
export function hasClass(node: SvgNode, name: string): boolean {
  return String(node.attrs.class ?? '').split(/\s+/).includes(name);
}
