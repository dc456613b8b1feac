// @vitest-environment happy-dom
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { bodyOf, buildContent, fieldsOf } from '../../shared/content';
import { replayChanges, textSplice } from '../../client/src/session/contentDiff';
import { caretRuns, type RemoteCaret } from '../../client/src/text/caretLayout';

const docOf = (init: Parameters<typeof buildContent>[0]) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, buildContent(init));
  return doc;
};

describe('text splice', () => {
  it('finds the one edited range', () => {
    expect(textSplice('Convoy sighted', 'Convoy of six sighted')).toEqual({ index: 7, remove: 0, insert: 'of six ' });
    expect(textSplice('aaa', 'aa')).toEqual({ index: 2, remove: 1, insert: '' });
    expect(textSplice('same', 'same')).toBeNull();
  });
});

describe('replaying edits onto a new epoch', () => {
  it('carries the local changes, fields and body, and keeps what the new doc has besides', () => {
    const base = docOf({ fields: { title: 'Convoy', status: 'open' }, body: 'Six trucks.' });
    const old = docOf({ fields: { title: 'Convoy', status: 'open' }, body: 'Six trucks.' });
    const fresh = docOf({ fields: { title: 'Convoy', status: 'open', added: 1 }, body: 'Six trucks.' });
    fieldsOf(old).set('status', 'answered');
    bodyOf(old).insert(10, ' north');
    replayChanges(base, old, fresh);
    expect(fieldsOf(fresh).toJSON()).toEqual({ title: 'Convoy', status: 'answered', added: 1 });
    expect(bodyOf(fresh).toString()).toBe('Six trucks north.');
  });
});

describe('remote caret runs', () => {
  const caret = (key: string, anchor: number, head: number): RemoteCaret => ({ key, label: key, color: 'red', anchor, head });

  it('marks a selection and puts the caret at its head', () => {
    const runs = caretRuns('Hello world', [caret('aus', 6, 11)]);
    expect(runs.map((run) => (run.kind === 'caret' ? `|${run.owner.key}` : run.selectedBy ? `[${run.text}]` : run.text))).toEqual([
      'Hello ',
      '[world]',
      '|aus',
    ]);
  });

  it('clamps positions beyond the text and keeps several carets in order', () => {
    const runs = caretRuns('abc', [caret('b', 99, 99), caret('a', 1, 1)]);
    expect(runs.map((run) => (run.kind === 'caret' ? `|${run.owner.key}` : run.text))).toEqual(['a', '|a', 'bc', '|b']);
  });
});
