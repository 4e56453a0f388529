/**
 * The CDK core the constructs build on: the only module of the library that names it. This build says
 * cdktf (0.21); the CDK Terrain entry point (`virtplane/cdktn`, made by scripts/build-cdktn-entry.mjs)
 * is the same compiled library with this one module saying cdktn (0.24), whose API is cdktf's. So an
 * app imports its constructs from the entry that matches its core, and every construct it makes is of
 * that core's classes (one copy of the core in the app, no mixing).
 */
export * from 'cdktf';
