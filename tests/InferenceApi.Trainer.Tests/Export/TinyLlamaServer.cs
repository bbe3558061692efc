using InferenceApi.Tests.Infrastructure;
using InferenceApi.Trainer.Export;
using InferenceApi.Trainer.Models;

namespace InferenceApi.Trainer.Tests.Export;

/// <summary>
/// The real server (in-process, cache off) serving the tiny Llama-style decoder exported three ways: "tiny-llama"
/// (float32, optimum ≥ 1.14's layout), "tiny-llama-fp16" (float16 weights, cache and logits) and "tiny-llama-merged"
/// (float16, no position_ids, a legacy merged decoder under its legacy file name decoder_model_merged.onnx); and the
/// TorchSharp models they came from (its weights rounded to float16 for the float16 ones) for reference greedy ids.
/// </summary>
public sealed class TinyLlamaServer : IAsyncLifetime
{
    public const string Float32Model = "tiny-llama";
    public const string Float16Model = "tiny-llama-fp16";
    public const string MergedModel = "tiny-llama-merged";

    public static string[] Models { get; } = [Float32Model, Float16Model, MergedModel];

    public ChapterTokenizer Chapter { get; } = new();

    public InferenceApiFactory Factory { get; } = new InferenceApiFactory().With("Cache:Enabled", "false");

    public HttpClient Client { get; private set; } = null!;

    public TinyLlama Model { get; private set; } = null!;

    public TinyLlama RoundedModel { get; private set; } = null!;

    public TinyLlama Reference(string model) => model == Float32Model ? Model : RoundedModel;

    public async Task InitializeAsync()
    {
        Model = TinyLlamas.Trained(Chapter);
        RoundedModel = LlamaOnnxExporter.Float16WeightsCopy(Model);
        LlamaOnnxExporter.Publish(Model, Path.Combine(Factory.Models.Path, Float32Model), Chapter.Directory, Chapter.Prompts, Chapter.EndOfText);
        LlamaOnnxExporter.Publish(Model, Path.Combine(Factory.Models.Path, Float16Model), Chapter.Directory, Chapter.Prompts, Chapter.EndOfText,
            LlamaOnnxExporter.Float16Tolerance, new DecoderGraphLayout(DecoderPrecision.Float16));
        var merged = Path.Combine(Factory.Models.Path, MergedModel);
        LlamaOnnxExporter.Publish(Model, merged, Chapter.Directory, Chapter.Prompts, Chapter.EndOfText,
            LlamaOnnxExporter.Float16Tolerance, new DecoderGraphLayout(DecoderPrecision.Float16, PositionIds: false, Merged: true));
        File.Move(Path.Combine(merged, "model.onnx"), Path.Combine(merged, "decoder_model_merged.onnx"));
        Client = await Factory.StartAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        Model.Dispose();
        RoundedModel.Dispose();
        Chapter.Dispose();
    }
}
