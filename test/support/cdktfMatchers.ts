/**
 * cdktf's own test matchers (toHaveResourceWithProperties, toPlanSuccessfully ...) under vitest.
 * cdktf writes them for jest: Testing.setupJest() registers them on the global `expect`, which vitest
 * (without globals) does not define, so it is lent vitest's. Their typings are declared below.
 */
import { Testing } from 'cdktf';
import { expect } from 'vitest';

interface TerraformConstructor {
  readonly tfResourceType: string;
}

declare module 'vitest' {
  interface Assertion {
    toHaveResource(type: TerraformConstructor): void;
    toHaveResourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): void;
    toHaveDataSource(type: TerraformConstructor): void;
    toHaveDataSourceWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): void;
    toHaveProvider(type: TerraformConstructor): void;
    toHaveProviderWithProperties(type: TerraformConstructor, properties: Record<string, unknown>): void;
    toBeValidTerraform(): void;
    toPlanSuccessfully(): void;
  }
}

(globalThis as { expect?: unknown }).expect ??= expect;
Testing.setupJest();
