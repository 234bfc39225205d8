// Spark's properties files (spark-defaults.conf, --properties-file) read as Java's Properties.load
// reads them, values trimmed as Spark trims them.
import { describe, expect, it } from 'vitest';
import { parseProperties } from '../src/cli/properties-file.js';

describe('parseProperties', () => {
  it('reads key value, key=value and key: value lines, skipping comments and blank lines', () => {
    const text = [
      '# spark-defaults.conf',
      '! also a comment',
      '',
      'spark.master                     local[2]',
      'spark.app.name=Orders',
      '  spark.ui.port : 4050',
      'spark.executor.extraJavaOptions  -XX:+PrintGCDetails -Dkey=value',
      'spark.streaming.blockInterval\t200ms   ',
    ].join('\n');
    expect(parseProperties(text)).toEqual({
      'spark.master': 'local[2]',
      'spark.app.name': 'Orders',
      'spark.ui.port': '4050',
      'spark.executor.extraJavaOptions': '-XX:+PrintGCDetails -Dkey=value',
      'spark.streaming.blockInterval': '200ms',
    });
  });

  it('joins lines ending in a backslash, and reads escapes', () => {
    const text = [
      'spark.driver.extraJavaOptions -Da=1 \\',
      '    -Db=2',
      'spark.a\\=b = x\\ty',
      'spark.unicode \\u00e9t\\u00e9',
      'spark.path C:\\\\tmp\\\\',
      'spark.last value',
    ].join('\r\n');
    expect(parseProperties(text)).toEqual({
      'spark.driver.extraJavaOptions': '-Da=1 -Db=2',
      'spark.a=b': 'x\ty',
      'spark.unicode': 'été',
      'spark.path': 'C:\\tmp\\',
      'spark.last': 'value',
    });
  });

  it('keeps the last value of a key given twice, and an empty value for a key alone', () => {
    expect(parseProperties('spark.x 1\nspark.x 2\nspark.empty\n')).toEqual({
      'spark.x': '2',
      'spark.empty': '',
    });
  });
});
