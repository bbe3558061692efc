// Computes the reference token ids for every tokenizer fixture under tests/fixtures/tokenizers/ and writes them to
// tests/fixtures/tokenizers/references.json, which the .NET parity tests read (they need no npm).
// Run from this folder after `npm ci`:  node tokenizer-references.mjs
//
// tokenizer.json fixtures: ids from the Rust `tokenizers` library (npm binding; what Python transformers runs), checked
// against tokenizers.js (@huggingface/tokenizers, what transformers.js runs); the file records where the two disagree.
// tokenizer.model (Llama-2): ids from Google's SentencePiece itself (compiled to WebAssembly in
// @sctg/sentencepiece-js), applied as Hugging Face's LlamaTokenizer (legacy) does: <s>, </s> and <unk> written in the
// text are matched first, each stretch of text between them is encoded on its own, and <s> goes first (add_bos_token).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";
import { SentencePieceProcessor } from "@sctg/sentencepiece-js";

const require = createRequire(import.meta.url);
const rust = require("tokenizers");
const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "..", "fixtures", "tokenizers");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));
const texts = readJson(path.join(here, "strings.json")).texts;

const specials = {
  llama3: { bos: "<|begin_of_text|>", eos: "<|end_of_text|>", turn: "<|eot_id|>" },
  qwen3: { bos: "", eos: "<|endoftext|>", turn: "<|im_end|>" },
  mistral: { bos: "<s>", eos: "</s>", turn: "</s>" },
  gemma3: { bos: "<bos>", eos: "<eos>", turn: "<end_of_turn>" },
  "gpt2-austen": { bos: "<|endoftext|>", eos: "<|endoftext|>", turn: "<|endoftext|>" },
  "tiny-gpt-chat": { bos: "<|endoftext|>", eos: "<|endoftext|>", turn: "<|endoftext|>" },
  "llama2-spm": { bos: "<s>", eos: "</s>", turn: "</s>" },
};

const fill = (text, s) => text.replaceAll("{bos}", s.bos).replaceAll("{eos}", s.eos).replaceAll("{turn}", s.turn);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function tokenizerJson(name) {
  const json = readJson(path.join(fixtures, name, "tokenizer.json"));
  const config = readJson(path.join(fixtures, name, "tokenizer_config.json"));
  const js = new JsTokenizer(json, config);
  const fast = rust.Tokenizer.fromFile(path.join(fixtures, name, "tokenizer.json"));
  const cases = [];
  const disagreements = [];
  for (const template of texts) {
    const text = fill(template, specials[name]);
    // Where the two disagree, the Rust library's ids are expected: it is what Python transformers (and so the
    // model's training data) ran.
    const jsIds = js.encode(text, { add_special_tokens: true }).ids;
    const ids = (await fast.encode(text, null, { addSpecialTokens: true })).getIds();
    if (!same(jsIds, ids)) disagreements.push({ text, tokenizers_js: jsIds, rust: ids });
    const decoded = js.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
    const rustDecoded = await fast.decode(ids, true);
    if (decoded !== rustDecoded) disagreements.push({ text, decoded_tokenizers_js: decoded, decoded_rust: rustDecoded });
    cases.push({ text, ids, decoded });
  }
  return { source: "Rust tokenizers 0.23.2 (npm binding); tokenizers.js (@huggingface/tokenizers 0.2.0) cross-check", cases, disagreements };
}

async function sentencePiece(name) {
  const model = fs.readFileSync(path.join(fixtures, name, "tokenizer.model"));
  const processor = new SentencePieceProcessor();
  await processor.loadFromB64StringModel(model.toString("base64"));
  const control = new Map([["<unk>", 0], ["<s>", 1], ["</s>", 2]]);
  const pattern = /(<unk>|<s>|<\/s>)/;
  const cases = [];
  for (const template of texts) {
    const text = fill(template, specials[name]);
    const ids = [1];
    const plain = [];
    for (const part of text.split(pattern)) {
      if (control.has(part)) {
        ids.push(control.get(part));
      } else if (part.length > 0) {
        const piece = processor.encodeIds(part);
        ids.push(...piece);
        plain.push(...piece);
      }
    }
    const decoded = pattern.test(text) ? null : processor.decodeIds(plain);
    cases.push({ text, ids, decoded });
  }
  return { source: "SentencePiece (Google's C++ compiled to WebAssembly, @sctg/sentencepiece-js 1.3.3), per stretch between <unk>/<s>/</s>, <s> first", cases, disagreements: [] };
}

const references = {};
for (const name of ["llama3", "qwen3", "mistral", "gemma3", "gpt2-austen", "tiny-gpt-chat"]) references[name] = await tokenizerJson(name);
references["llama2-spm"] = await sentencePiece("llama2-spm");
for (const [name, r] of Object.entries(references)) console.log(`${name}: ${r.cases.length} texts, ${r.disagreements.length} disagreements between the references`);
fs.writeFileSync(path.join(fixtures, "references.json"), JSON.stringify(references, null, 1) + "\n");
