/** Where firebreak looks for the manifest when no --manifest is given. */
export const DEFAULT_MANIFEST_FILE = 'firebreak.yaml'
