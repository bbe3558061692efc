using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>One server for a test class, serving the independent BERT fixture with small API limits to cross.</summary>
public class ClassifierServer() : SingleModelServer(
    ("Api:MaxInputsPerRequest", "16"),
    ("Api:MaxRequestBodyBytes", "65536"),
    ("Api:MaxTensorRequestBytes", "65536"),
    ("Api:MaxInputCharacters", "20000"),
    ("Api:MaxDetokenizeIds", "1000"));
