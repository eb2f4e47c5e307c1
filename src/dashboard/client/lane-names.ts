/**
 * Job names pinned to the left edge of the timeline's scrolling region. On a narrow screen the
 * timeline opens at "now", far from its own name column; these keep every lane named while
 * the picture is scrolled (the style sheet shows them only then).
 */
import { el } from './dom.js';
import { findAll, hasClass, type SvgNode } from './svg-node.js';

/**
 * The pinned names of a rendered timeline `picture`: one per lane, its middle placed as a
 * share of the picture's height (so it follows the picture's scaling). Hidden from assistive
 * technology: the picture names its lanes already.
 */
export function laneNames(picture: SvgNode): HTMLElement {
  const height = Number(picture.attrs.height);
  const names = findAll(picture, (node) => node.tag === 'g' && hasClass(node, 'lane')).map((lane) => {
    const background = findAll(lane, (node) => hasClass(node, 'lane-bg'))[0];
    const middle = Number(background?.attrs.y) + Number(background?.attrs.height) / 2;
    const name = el('span', { class: 'lane-name' }, String(lane.attrs['data-job']));
    // Set through the CSS object model: the page's CSP refuses style attributes.
    name.style.top = `${((middle / height) * 100).toFixed(3)}%`;
    return name;
  });
  return el('div', { class: 'lane-names', 'aria-hidden': 'true' }, ...names);
}
