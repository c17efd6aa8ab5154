import type { Options } from "tsup";
export declare function mmTsupConfig(options?: { entry?: string[] | Record<string, string>; dts?: boolean }): Options | Options[];
