// The script-tag example's server; it serves index.html and app.js from this folder.
import '../script-tag/server.js';
