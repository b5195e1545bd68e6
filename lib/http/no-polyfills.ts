// Stands in for Next's client polyfill module (see next.config.ts): the browsers Next supports need none of it.
export {};
