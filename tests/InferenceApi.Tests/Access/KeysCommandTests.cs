using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InferenceApi.Access;

namespace InferenceApi.Tests.Access;

public sealed class KeysCommandTests
{
    [Fact]
    public void New_Json_PrintsAFreshKeyAndAnEntryHoldingItsSha256()
    {
        var (code, output, _) = Run("keys", "new", "--name", "team-a", "--models", "sentiment,gpt", "--rpm", "600", "--tpm", "5000", "--json");

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var key = json.RootElement.GetProperty("key").GetString()!;
        var entry = json.RootElement.GetProperty("entry").Deserialize<ApiKeyOptions>()!;
        Assert.StartsWith(KeysCommand.Prefix, key);
        Assert.True(key.Length >= 47);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), entry.Sha256);
        Assert.Equal(["sentiment", "gpt"], entry.Models);
        Assert.Equal(600, entry.RequestsPerMinute);
        Assert.Equal(5000, entry.TokensPerMinute);
        Assert.Equal(["infer"], entry.Scopes);

        var errors = new List<string>();
        Assert.Single(ApiKeyParser.Parse([entry], _ => "printed", errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void New_TwoRuns_GiveDifferentKeys()
    {
        var first = JsonDocument.Parse(Run("keys", "new", "--name", "a", "--models", "*", "--json").Output).RootElement.GetProperty("key").GetString();
        var second = JsonDocument.Parse(Run("keys", "new", "--name", "a", "--models", "*", "--json").Output).RootElement.GetProperty("key").GetString();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void New_Text_ShowsTheKeyOnceAndTheConfigurationForms()
    {
        var (code, output, _) = Run("keys", "new", "--name", "team-a", "--models", "sentiment", "--rpm", "600");

        Assert.Equal(0, code);
        var key = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(KeysCommand.Prefix, StringComparison.Ordinal));
        Assert.Single(output.Split(key).Skip(1));
        Assert.Contains($"\"Sha256\": \"{KeysCommand.Hash(key)}\"", output);
        Assert.Contains("Auth__Keys__N__RequestsPerMinute=600", output);
        Assert.Contains("Auth__Keys__N__Models__0=sentiment", output);
    }

    [Theory]
    [InlineData("--rpm", "0", "RequestsPerMinute must be at least 1")]
    [InlineData("--scopes", "root", "Scopes has 'root'")]
    [InlineData("--name", "team a", "Name must have 1 to 64 letters")]
    public void New_BadValue_ExitsTwoNamingIt(string option, string value, string expected)
    {
        var args = new List<string> { "keys", "new", "--name", "team-a", "--models", "*" };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (code, output, error) = Run([.. args]);

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task ServerBinary_KeysNew_PrintsAKeyAndExitsWithoutServing()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "InferenceApi.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in new[] { dll, "keys", "new", "--name", "team-a", "--models", "sentiment", "--rpm", "600", "--json" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, process.ExitCode);
        Assert.StartsWith(KeysCommand.Prefix, JsonDocument.Parse(output).RootElement.GetProperty("key").GetString());
        Assert.DoesNotContain("Now listening", output);
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = KeysCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
