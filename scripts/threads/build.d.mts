export type ThreadName = "parse-thread" | "db-thread";
export declare const THREADS: Record<ThreadName, { entry: string; packages: "bundle" | "external" }>;
export declare function threadOut(name: ThreadName): string;
export declare function buildThreads(): Promise<string[]>;
