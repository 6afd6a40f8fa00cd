export declare const HEAP_MB: number;
export declare const SEMI_SPACE_MB: number;
export declare function nodeOptionsWithHeap(current?: string): string;
export declare const MALLOC_TUNABLES: string[];
export declare function glibcTunables(current?: string): string;
export declare function parserEnv<E extends Record<string, string | undefined> = NodeJS.ProcessEnv>(
  env?: E,
): E & { NODE_OPTIONS: string; GLIBC_TUNABLES: string };
