#!/usr/bin/env node
// The `onair` command; committed (not built) so npm links it at install time, before the first build.
import '../dist/main.js';
