// Renders the chat templates of templates.json and of the tokenizer fixtures, and a set of feature snippets, with
// Hugging Face's reference Jinja renderer (@huggingface/jinja, what transformers.js runs), and writes
// tests/fixtures/chat-templates/references.json for the .NET tests (they need no npm).
// Run from this folder after `npm ci`:  node chat-template-references.mjs
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";

const rust = createRequire(import.meta.url)("tokenizers");

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "..", "fixtures");
const readJson = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

const templates = { ...readJson(path.join(here, "templates.json")).templates };
for (const name of ["llama3", "qwen3", "gemma3"]) {
  templates[`${name}-fixture`] = readJson(path.join(fixtures, "tokenizers", name, "tokenizer_config.json")).chat_template;
}

// The special tokens each template sees, as transformers passes the tokenizer's special tokens map.
const tokens = {
  chatml: { eos_token: "<|im_end|>" },
  qwen2: { eos_token: "<|im_end|>" },
  "qwen3-fixture": { eos_token: "<|im_end|>" },
  "llama-2": { bos_token: "<s>", eos_token: "</s>" },
  "llama-3": { bos_token: "<|begin_of_text|>", eos_token: "<|eot_id|>" },
  "llama3-fixture": { bos_token: "<|begin_of_text|>", eos_token: "<|eot_id|>" },
  "mistral-v0.1": { bos_token: "<s>", eos_token: "</s>" },
  "mistral-v0.3": { bos_token: "<s>", eos_token: "</s>" },
  zephyr: { bos_token: "<s>", eos_token: "</s>" },
  "phi-3": { bos_token: "<s>", eos_token: "<|endoftext|>" },
  gemma: { bos_token: "<bos>", eos_token: "<eos>" },
  "gemma3-fixture": { bos_token: "<bos>", eos_token: "<eos>" },
};

const m = (role, content) => ({ role, content });
const conversations = {
  "user": [m("user", "Hello!")],
  "system-user": [m("system", "You are a helpful assistant."), m("user", "What is the capital of France?")],
  "multi-turn": [m("system", "You are terse."), m("user", "Hi"), m("assistant", "Hello! How can I help?"), m("user", "Tell me a joke.")],
  "multi-turn-no-system": [m("user", "Who are you?"), m("assistant", "An assistant."), m("user", "Prove it.")],
  "whitespace-unicode": [m("user", "  spaced out  \n"), m("assistant", "   I am an assistant   "), m("user", "東京 😀 «ok»?\n\nTwo lines.")],
  "two-users": [m("user", "First"), m("user", "Second")],
  "system-only": [m("system", "Only a system message.")],
};

function render(source, context) {
  try {
    return { output: new Template(source).render(context) };
  } catch (error) {
    return { error: String(error.message ?? error) };
  }
}

const chats = [];
for (const [name, source] of Object.entries(templates)) {
  for (const [conversation, messages] of Object.entries(conversations)) {
    for (const addGenerationPrompt of [true, false]) {
      const context = { messages, add_generation_prompt: addGenerationPrompt, ...tokens[name] };
      chats.push({ template: name, conversation, add_generation_prompt: addGenerationPrompt, ...render(source, context) });
    }
  }
}

// Feature snippets: each construct the chat-template subset supports, with the context it is rendered in.
const snippets = readJson(path.join(here, "jinja-snippets.json")).snippets.map((s) => ({ ...s, ...render(s.template, s.context ?? {}) }));

// The prompts the end-to-end chat tests send through the server: the template of a tokenizer fixture rendered with the
// generation prompt, and its ids as transformers' apply_chat_template(tokenize=True) makes them (no special tokens added
// around the rendered text). tiny-gpt-chat is the tiny GPT with the tiny-gpt-chat tokenizer (InferenceApi.Tests);
// tiny-llama-chat a tiny Llama exported by the trainer with the llama3 tokenizer (InferenceApi.Trainer.Tests).
const served = [];
for (const [model, tokenizerFixture, servedConversations] of [
  ["tiny-gpt-chat", "tiny-gpt-chat", ["user", "multi-turn", "whitespace-unicode"]],
  ["tiny-llama-chat", "llama3", ["system-user", "multi-turn", "whitespace-unicode"]],
]) {
  const folder = path.join(fixtures, "tokenizers", tokenizerFixture);
  const config = readJson(path.join(folder, "tokenizer_config.json"));
  const tokenizer = rust.Tokenizer.fromFile(path.join(folder, "tokenizer.json"));
  for (const conversation of servedConversations) {
    const prompt = new Template(config.chat_template).render({
      messages: conversations[conversation], add_generation_prompt: true, bos_token: config.bos_token, eos_token: config.eos_token,
    });
    const ids = (await tokenizer.encode(prompt, null, { addSpecialTokens: false })).getIds();
    served.push({ model, conversation, prompt, ids });
  }
}

const out = path.join(fixtures, "chat-templates");
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, "references.json"), JSON.stringify({
  source: "@huggingface/jinja 0.5.11 (Template.render)",
  templates, tokens, conversations, chats, snippets, served,
}, null, 1) + "\n");
const errors = chats.filter((c) => c.error).length + snippets.filter((s) => s.error).length;
console.log(`${chats.length} chat renderings of ${Object.keys(templates).length} templates, ${snippets.length} snippets; ${errors} raise`);
