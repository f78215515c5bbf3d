import type { ConsoleAsset } from './console-assets';

export const CONSOLE_ASSETS = Symbol('CONSOLE_ASSETS');
/** The built console by URL path; undefined when it has not been built. */
export type ConsoleAssets = Map<string, ConsoleAsset> | undefined;
