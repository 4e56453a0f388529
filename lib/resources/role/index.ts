/** The role: a named set of permits; the built-in ones come with every inventory. */
export { roleDataSource } from './dataSource.js';
export { roleResource } from './resource.js';
