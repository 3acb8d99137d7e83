/** The largest config file read; a larger one is an error, not read further. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** More aliases than this in one file is an expansion attack ("billion laughs"), not config. */
export const MAX_ALIAS_COUNT = 100;
