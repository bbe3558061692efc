using System.Reflection;
using System.Security.Cryptography;
using CsCheck;
using InferenceApi.Access;
using InferenceApi.Core.Errors;

namespace InferenceApi.Tests.Access;

public sealed class ApiKeyAuthenticatorTests
{
    private readonly TestKey _alice = new("alice", ["*"]);
    private readonly TestKey _bob = new("bob", ["sentiment"]);

    [Theory]
    [InlineData("Bearer {0}", null)]
    [InlineData("bearer   {0}  ", null)]
    [InlineData(null, "{0}")]
    [InlineData("Basic dXNlcjpwYXNz", " {0} ")]
    public void Authenticate_KeyAsBearerOrXApiKey_FindsItsHolder(string? authorization, string? apiKey)
    {
        var authenticator = AccessUnits.Authenticator(_alice, _bob);

        var caller = authenticator.Authenticate(Fill(authorization, _bob.Key), Fill(apiKey, _bob.Key));

        Assert.True(caller.IsSuccess);
        Assert.Equal("bob", caller.Value!.Name);
        Assert.True(caller.Value.CanUse("sentiment"));
        Assert.False(caller.Value.CanUse("gpt"));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Bearer", null)]
    [InlineData("Bearer    ", "  ")]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    public void Authenticate_NoKey_IsMissingApiKey(string? authorization, string? apiKey)
    {
        var caller = AccessUnits.Authenticator(_alice).Authenticate(authorization, apiKey);

        Assert.Equal(ErrorKind.MissingApiKey, caller.Error?.Kind);
    }

    [Fact]
    public void Authenticate_WrongOrTruncatedOrRevokedKey_IsInvalidAndNeverEchoesIt()
    {
        var authenticator = AccessUnits.Authenticator(_alice);

        foreach (var presented in new[] { _bob.Key, _alice.Key[..^1], _alice.Key + "x", _alice.Key.ToUpperInvariant(), new string('k', ApiKeyAuthenticator.MaxKeyLength + 1) })
        {
            var caller = authenticator.Authenticate("Bearer " + presented, null);
            Assert.Equal(ErrorKind.InvalidApiKey, caller.Error?.Kind);
            Assert.DoesNotContain(presented[..12], caller.Error!.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Authenticate_NoKeysConfigured_LetsAnyoneInAsAnonymous()
    {
        var caller = AccessUnits.Authenticator().Authenticate(null, null);

        Assert.Same(ApiCaller.Anonymous, caller.Value);
        Assert.True(caller.Value!.CanUse("anything"));
        Assert.True(caller.Value.HasScope(ApiScopes.Admin));
    }

    [Fact]
    public void Find_ComparesHashesOnlyWithFixedTimeEquals()
    {
        var find = typeof(ApiKeyAuthenticator).GetMethod("Find", BindingFlags.NonPublic | BindingFlags.Static)!;
        var authenticate = typeof(ApiKeyAuthenticator).GetMethod(nameof(ApiKeyAuthenticator.Authenticate))!;

        var calls = IlCalls.Of(find);

        Assert.Contains(IlCalls.Of(authenticate), m => m == find);
        Assert.Contains(calls, m => m.DeclaringType == typeof(CryptographicOperations) && m.Name == nameof(CryptographicOperations.FixedTimeEquals));
        Assert.Contains(calls, m => m.DeclaringType == typeof(SHA256) && m.Name == nameof(SHA256.HashData));

        // No other way of comparing bytes or strings, which would stop at the first difference.
        Assert.DoesNotContain(calls, m => m.Name is "SequenceEqual" or "Equals" or "op_Equality" or "CompareTo" or "StartsWith" or "TryGetValue" or "ContainsKey");
    }

    [Fact]
    public void Authenticate_AnyHeaderValues_NeverThrowsAndOnlyTheKeyGetsIn()
    {
        var authenticator = AccessUnits.Authenticator(_alice);
        var value = Gen.Null(Gen.OneOf(
            Gen.String,
            Gen.String[0, 2000],
            Gen.Char.Array[0, 80].Select(chars => "Bearer " + new string(chars)),
            Gen.Int[0, _alice.Key.Length].Select(n => "Bearer " + _alice.Key[..n]),
            Gen.Int[0, _alice.Key.Length].Select(n => _alice.Key[..n])));

        Gen.Select(value, value).Sample((authorization, apiKey) =>
        {
            var caller = authenticator.Authenticate(authorization, apiKey);
            return caller.IsSuccess == (Presented(authorization, apiKey) == _alice.Key)
                && (caller.IsSuccess || caller.Error!.Kind is ErrorKind.MissingApiKey or ErrorKind.InvalidApiKey);
        }, iter: 2000);
    }

    /// <summary>The rule, written independently: a non-empty Bearer token wins, else X-Api-Key, both trimmed.</summary>
    private static string? Presented(string? authorization, string? apiKey)
    {
        var value = authorization?.Trim();
        if (value is { Length: > 7 } && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && value[7..].Trim() is { Length: > 0 } token)
        {
            return token;
        }

        return string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
    }

    private static string? Fill(string? template, string key) => template is null ? null : string.Format(System.Globalization.CultureInfo.InvariantCulture, template, key);
}
