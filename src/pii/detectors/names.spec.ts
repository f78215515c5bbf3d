import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameScores } from './names';

describe('name, place, organisation and NRP scores', () => {
  it('scores people from first names, last names and honorifics', () => {
    assert.ok(nameScores('John Smith').person >= 0.9);
    assert.ok(nameScores('María García López').person >= 0.9, 'diacritics folded for the lexicon');
    assert.ok(nameScores('Dr. Jane Doe').person >= 0.9);
    assert.ok(nameScores('Ludwig van Beethoven').person >= 0.9, 'particles allowed');
  });

  it('scores places from the gazetteer (compromise and ICU country names) and place morphology', () => {
    assert.ok(nameScores('Berlin').location >= 0.9);
    assert.ok(nameScores('Belgien').location >= 0.9, 'German country name from ICU');
    assert.ok(nameScores('Lake Jaydenberg').location >= 0.6);
  });

  it('tells companies from people by legal forms and connectors', () => {
    for (const v of ['Schmidt GmbH', 'Kunze, Schimmel and Lang', 'Rau and Sons', 'Martinelli, Alfieri e Fumarola SPA', 'Tovar Batista Hermanos']) {
      const s = nameScores(v);
      assert.ok(s.organization >= 0.8 && s.person === 0, v);
    }
  });

  it('recognises nationalities and religions as NRP', () => {
    assert.ok(nameScores('German').nrp >= 0.8);
    assert.ok(nameScores('Catholic').nrp >= 0.8);
    assert.ok(nameScores('española').nrp >= 0.8);
  });

  it('near misses: product names, job titles, sentences and lower-case words are not people', () => {
    for (const v of ['Ergonomic Steel Chair', 'Senior Software Engineer', 'the quick brown fox', 'Lorem ipsum dolor sit amet', 'active']) {
      assert.ok(nameScores(v).person < 0.5, v);
    }
    assert.equal(nameScores('R2-D2').person, 0, 'digits');
  });
});
