using System.Text;
using InferenceApi.Access;

namespace InferenceApi.Tests.Access;

public sealed class ApiKeyParserTests
{
    [Fact]
    public void Parse_ValidEntry_KeepsNameHashModelsScopesAndLimits()
    {
        var key = new TestKey("team-a", ["sentiment", "gpt"], Rpm: 600, Tpm: 10_000, Scopes: ["infer", "admin"]);
        var errors = new List<string>();

        var parsed = Assert.Single(ApiKeyParser.Parse([key.Entry], ApiKeyParser.ConfiguredEntry, errors));

        Assert.Empty(errors);
        Assert.Equal("team-a", parsed.Name);
        Assert.Equal(Convert.FromHexString(KeysCommand.Hash(key.Key)), parsed.Sha256);
        Assert.True(parsed.AllowsModel("gpt"));
        Assert.False(parsed.AllowsModel("other"));
        Assert.True(parsed.HasScope("admin"));
        Assert.Equal(600, parsed.RequestsPerMinute);
        Assert.Equal(10_000, parsed.TokensPerMinute);
    }

    [Fact]
    public void Parse_NoScopesAndStarModel_DefaultsToInferAndAllowsEveryModel()
    {
        var errors = new List<string>();

        var parsed = Assert.Single(ApiKeyParser.Parse([new TestKey("all", ["*"]).Entry], ApiKeyParser.ConfiguredEntry, errors));

        Assert.True(parsed.HasScope(ApiScopes.Infer));
        Assert.False(parsed.HasScope(ApiScopes.Admin));
        Assert.True(parsed.AllowsModel("anything"));
        Assert.Null(parsed.Models);
    }

    [Theory]
    [InlineData("Sha256", "Auth:Keys:0:Sha256 must be the 64 lowercase hex characters")]
    [InlineData("Name", "Auth:Keys:0:Name is required")]
    [InlineData("Models", "Auth:Keys:0:Models is empty")]
    [InlineData("RequestsPerMinute", "Auth:Keys:0:RequestsPerMinute must be at least 1")]
    [InlineData("Scopes", "Auth:Keys:0:Scopes has 'root'")]
    [InlineData("BadModel", "Auth:Keys:0:Models has '../x'")]
    public void Parse_BrokenField_NamesTheEntryAndFieldAndNeverEchoesTheHash(string broken, string expected)
    {
        var entry = new TestKey("team-a", ["sentiment"]).Entry;
        var hash = entry.Sha256!;
        switch (broken)
        {
            case "Sha256": entry.Sha256 = hash.ToUpperInvariant()[..63]; break;
            case "Name": entry.Name = " "; break;
            case "Models": entry.Models = []; break;
            case "RequestsPerMinute": entry.RequestsPerMinute = 0; break;
            case "Scopes": entry.Scopes = ["root"]; break;
            default: entry.Models = ["../x"]; break;
        }

        var errors = new List<string>();
        var keys = ApiKeyParser.Parse([entry], ApiKeyParser.ConfiguredEntry, errors);

        Assert.Empty(keys);
        var error = Assert.Single(errors);
        Assert.StartsWith(expected, error);
        Assert.DoesNotContain(hash[..16], error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void CheckUnique_SameNameOrSameHashTwice_IsRefused()
    {
        var a = new TestKey("team-a", ["*"]);
        var copy = a.Entry;
        copy.Name = "team-b";
        var errors = new List<string>();

        var keys = ApiKeyParser.Parse([a.Entry, new TestKey("team-a", ["*"]).Entry, copy], ApiKeyParser.ConfiguredEntry, errors);
        ApiKeyParser.CheckUnique(keys, errors);

        Assert.Contains(errors, e => e.StartsWith("The key name 'team-a' is used more than once", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("The keys 'team-a', 'team-b' have the same Sha256", StringComparison.Ordinal));
    }

    [Fact]
    public void ParseFile_MisspeltField_IsRefusedRatherThanReadAsUnlimited()
    {
        var json = "[{\"Name\":\"a\",\"Sha256\":\"" + new string('a', 64) + "\",\"Models\":[\"*\"],\"RequestPerMinute\":5}]";
        var errors = new List<string>();

        var keys = ApiKeyParser.ParseFile("keys.json", Encoding.UTF8.GetBytes(json), errors);

        Assert.Empty(keys);
        Assert.Contains("RequestPerMinute", Assert.Single(errors));
    }

    [Theory]
    [InlineData("{\"Name\":\"a\"}", "is not a JSON array of keys")]
    [InlineData("[{\"Name\":\"a\",", "is not a JSON array of keys")]
    [InlineData("null", "holds null")]
    public void ParseFile_NotAnArrayOfKeys_SaysWhatTheFileMustHold(string json, string expected)
    {
        var errors = new List<string>();

        Assert.Empty(ApiKeyParser.ParseFile("keys.json", Encoding.UTF8.GetBytes(json), errors));

        Assert.Contains(expected, Assert.Single(errors));
    }

    [Fact]
    public void ReadFile_OverTheSizeLimit_IsRefusedUnread()
    {
        using var folder = new TempDirectory();
        var path = Path.Combine(folder.Path, "keys.json");
        using (var stream = File.Create(path))
        {
            stream.SetLength(ApiKeyParser.MaxFileBytes + 1);
        }

        var errors = new List<string>();

        Assert.Null(ApiKeyParser.ReadFile(path, errors));
        Assert.Contains($"a keys file may have at most {ApiKeyParser.MaxFileBytes}", Assert.Single(errors));
    }
}
