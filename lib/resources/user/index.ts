/** The user: a name, and on a PostgreSQL inventory the database login that acts as them. */
export { userResource, LOGIN_PATTERN } from './resource.js';
