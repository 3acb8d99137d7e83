/** Files the hooks use inside the bare repository: their 0600 settings and their log. */
export const HOOK_CONFIG_FILE = "gitsync-hook.json";
export const HOOK_LOG_FILE = "gitsync-hook.log";
