// The widget's CSS (src/styles.css), minified by the build and inlined as a string constant.
/* global __STYLES__ */
export const STYLES = typeof __STYLES__ === 'string' ? __STYLES__ : '';
