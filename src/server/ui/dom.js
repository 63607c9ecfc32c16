// Builds DOM nodes from data without innerHTML, so text from the API (names, comments,
// metadata) can never be interpreted as markup.

// h('a', {href: '#/cases', class: 'x', onclick: fn}, 'text', child, [more]) -> Element.
// Attributes: `class`, `for`, `dataset` (object), `on<event>` (listener), booleans (present
// when true), anything else via setAttribute. Children: nodes, strings, numbers, arrays;
// null/undefined/false are skipped.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'for') el.htmlFor = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replaces every child of `parent`.
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}
