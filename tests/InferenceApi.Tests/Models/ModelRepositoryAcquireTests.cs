using System.Net;
using InferenceApi.Core.Errors;
using InferenceApi.Core.Generation;
using InferenceApi.Core.Inference;
using InferenceApi.Core.Models;
using InferenceApi.Tests.Endpoints;
using InferenceApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InferenceApi.Tests.Models;

/// <summary>
/// The typed acquire on real loaded models (a BERT classifier and a ViT): a lease comes with its runtime as the type
/// the caller asked for, and a model of another task is answered with what it is and what the caller serves.
/// </summary>
public sealed class ModelRepositoryAcquireTests(ImageServer server) : IClassFixture<ImageServer>
{
    private readonly ModelRepository _repository = server.Factory.Services.GetRequiredService<ModelRepository>();

    [Fact]
    public void Acquire_RuntimeOfTheModelsType_LeasesItTyped()
    {
        var acquired = _repository.Acquire<ImageClassifierRuntime>(Name("tiny-vit"), null);

        Assert.True(acquired.IsSuccess, acquired.Error?.Message);
        using var lease = acquired.Value;
        Assert.Equal("tiny-vit", lease.Model.Name);
        Assert.Equal(ModelTask.ImageClassification, lease.Runtime.Description.Task);
    }

    [Fact]
    public void Acquire_AnyRuntime_LeasesEveryTask()
    {
        using var image = _repository.Acquire<IModelRuntime>(Name("tiny-vit"), null).Value;
        using var text = _repository.Acquire<IModelRuntime>(Name("tiny-bert-cls"), null).Value;

        Assert.IsType<ImageClassifierRuntime>(image?.Runtime);
        Assert.IsType<TextEncoderRuntime>(text?.Runtime);
    }

    [Fact]
    public void Acquire_ModelOfAnotherRuntime_NamesItsTaskAndTheOneNeeded()
    {
        var error = _repository.Acquire<TextGenerationRuntime>(Name("tiny-vit"), null).Error;

        Assert.Equal(ErrorKind.Validation, error?.Kind);
        Assert.Equal("model", error?.Field);
        Assert.Equal("Model 'tiny-vit' is a image-classification model; this endpoint needs a text-generation model.", error?.Message);
        Assert.Equal("text-generation", error?.Limit);
        Assert.Equal("image-classification", error?.Received);
    }

    [Fact]
    public void Acquire_ModelOfAnotherTaskOfTheSameRuntime_NamesTheTaskAsked()
    {
        var error = _repository.Acquire<TextEncoderRuntime>(Name("tiny-bert-cls"), null, ModelTask.FeatureExtraction).Error;

        Assert.Equal("Model 'tiny-bert-cls' is a text-classification model; this endpoint needs a feature-extraction model.", error?.Message);
        Assert.Equal("feature-extraction", error?.Limit);
    }

    [Fact]
    public void Acquire_InterfaceOfSeveralTasks_ListsThemAll()
    {
        var error = _repository.Acquire<ITextModelRuntime>(Name("tiny-vit"), null).Error;

        Assert.Equal(
            "Model 'tiny-vit' is a image-classification model; this endpoint needs a text-classification, feature-extraction or text-generation model.",
            error?.Message);
        Assert.Equal(["text-classification", "feature-extraction", "text-generation"], Assert.IsType<string[]>(error?.Limit));
    }

    [Fact]
    public async Task Tokenize_ImageModel_Answers400WithTheTasksThatHaveATokenizer()
    {
        using var response = await server.Client.PostJsonAsync("/v1/tokenize", new { model = "tiny-vit", inputs = "a" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation", "model");
        Assert.Equal(3, problem.GetProperty("limit").GetArrayLength());
        Assert.Equal("image-classification", problem.GetProperty("received").GetString());
    }

    private static ModelName Name(string name) => ModelName.Parse(name).Value!;
}
