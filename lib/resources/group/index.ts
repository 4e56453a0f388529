/** The group: users who hold the roles given to it. */
export { groupResource } from './resource.js';
