/**
 * The User-Agent (RFC 9110 §10.1.5) of monitoring's requests to a relay's HLS (it reads a keyframe per live room for
 * the thumbnails): a relay does not count it as a viewer. Anyone may send it; doing so only hides oneself from the
 * viewer count.
 */
export const MONITORING_USER_AGENT = 'onair-monitoring';
