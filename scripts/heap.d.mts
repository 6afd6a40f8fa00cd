export declare const HEAP_MB: number;
export declare function nodeOptionsWithHeap(current?: string): string;
