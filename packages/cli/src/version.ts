/** The version of this Vigil build. */
export const VERSION = '0.1.0';
