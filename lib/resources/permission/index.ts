/** The permission: a role given to a user or group on an object. */
export { permissionResource } from './resource.js';
