/** The template: a sealed, read-only base disk plus default VM settings. */
export { templateResource, templateSettings, type TemplateSettings, type TemplateState } from './resource.js';
