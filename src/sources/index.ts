// The built-in sources. Importing this attaches their factories to StreamingContext.
import './queue/index.js';
