/** The template: a sealed, read-only base disk plus default VM settings. */
export { templateResource, type TemplateState } from './resource.js';
