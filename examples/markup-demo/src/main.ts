import { runDemo } from './demo.js';

runDemo((line) => console.log(line));
