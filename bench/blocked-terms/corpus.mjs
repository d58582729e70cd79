/**
 * Deterministic test data: blocked terms and chat messages from a seeded PRNG (mulberry32), so every run checks the
 * same texts against the same terms.
 */

/** @param {number} seed @returns {() => number} uniform in [0, 1) */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LATIN = 'abcdefghijklmnopqrstuvwxyz';
const ACCENTED = 'àáâäçèéêëìíîïñòóôöùúûüß';
const CJK =
  '的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出要于就下得可你年生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏月蛋';
const EMOJI = ['😀', '😂', '🔥', '👍', '❤️', '🎉', '🙏', '😭', '👀', '🤣', '💯', '🍆', '👨‍👩‍👧'];
const FULL_WIDTH = 'ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ';

/** @param {() => number} rand @param {string | string[]} from */
const pick = (rand, from) => from[Math.floor(rand() * from.length)];

/**
 * A term: 70 % lower-case latin and 15 % latin with accents, 5 to 12 letters; 15 % CJK, 3 or 4 characters. (Shorter
 * random terms would hit most random texts, which real blocklists of words and phrases do not.)
 */
function term(rand) {
  const kind = rand();
  if (kind < 0.15) return Array.from({ length: 3 + Math.floor(rand() * 2) }, () => pick(rand, CJK)).join('');
  const length = 5 + Math.floor(rand() * 8);
  const letters = kind < 0.3 ? LATIN + ACCENTED : LATIN;
  return Array.from({ length }, () => pick(rand, letters)).join('');
}

/**
 * `count` distinct terms with actions: 60 % refuse, 30 % mask, 10 % hold.
 * @returns {{ term: string, action: 'refuse' | 'mask' | 'hold' }[]}
 */
export function makeTerms(count, seed = 1) {
  const rand = prng(seed);
  const terms = new Map();
  while (terms.size < count) {
    const t = term(rand);
    const r = rand();
    terms.set(t, r < 0.6 ? 'refuse' : r < 0.9 ? 'mask' : 'hold');
  }
  return [...terms].map(([t, action]) => ({ term: t, action }));
}

/** A chat word: latin (mixed case, sometimes full-width), CJK, or an emoji. */
function word(rand) {
  const kind = rand();
  if (kind < 0.08) return pick(rand, EMOJI);
  if (kind < 0.2) return Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(rand, CJK)).join('');
  if (kind < 0.23) return Array.from({ length: 2 + Math.floor(rand() * 5) }, () => pick(rand, FULL_WIDTH)).join('');
  const w = Array.from({ length: 1 + Math.floor(rand() * 9) }, () => pick(rand, LATIN)).join('');
  return rand() < 0.1 ? w.toUpperCase() : w;
}

/**
 * `count` chat messages of 1 to 200 code points (chat's limit), most 10 to 80 (a log-normal-ish mix: 70 % short,
 * 25 % medium, 5 % at the limit); `hitShare` of them hold one of `terms` (in upper case half the time).
 * @param {{ term: string }[]} terms
 * @returns {string[]}
 */
export function makeMessages(count, terms, hitShare = 0.1, seed = 2) {
  const rand = prng(seed);
  const messages = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    const target = r < 0.7 ? 10 + Math.floor(rand() * 40) : r < 0.95 ? 50 + Math.floor(rand() * 100) : 200;
    const words = [];
    let length = 0;
    while (length < target) {
      const w = word(rand);
      words.push(w);
      length += [...w].length + 1;
    }
    if (rand() < hitShare) {
      const hit = pick(rand, terms).term;
      words.splice(Math.floor(rand() * words.length), 0, rand() < 0.5 ? hit.toUpperCase() : hit);
    }
    messages.push([...words.join(' ')].slice(0, 200).join(''));
  }
  return messages;
}
