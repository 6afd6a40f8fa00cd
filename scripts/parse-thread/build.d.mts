export declare const PARSE_THREAD_OUT: string;
export declare function buildParseThread(outfile?: string): Promise<string>;
