using System.Buffers;
using System.Text;

namespace InferenceApi.Core.Tokenization;

/// <summary>
/// The text WordPiece sees: words separated by single spaces, each character remembering which span of the
/// original input it came from, so token offsets can be reported against what the client sent.
/// Buffers are pooled because one of these is built per request.
/// </summary>
internal sealed class NormalizedText : IDisposable
{
    private const int NoWord = -1;

    private readonly int _maxWordLength;
    private readonly string _unknownToken;
    private char[] _chars;
    private int[] _sourceStarts;
    private int[] _sourceEnds;
    private int _wordStart = NoWord;
    private int _wordScalarCount;

    public NormalizedText(int capacityHint, int maxWordLength, string unknownToken)
    {
        int capacity = Math.Max(16, capacityHint);
        _chars = ArrayPool<char>.Shared.Rent(capacity);
        _sourceStarts = ArrayPool<int>.Shared.Rent(capacity);
        _sourceEnds = ArrayPool<int>.Shared.Rent(capacity);
        _maxWordLength = maxWordLength;
        _unknownToken = unknownToken;
    }

    public int Length { get; private set; }

    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    /// <summary>Maps a span of normalised characters (end exclusive, non-empty) back to the original input.</summary>
    public (int Start, int Stop) ToSource(int start, int end) => (_sourceStarts[start], _sourceEnds[end - 1]);

    /// <summary>Appends one character of the current word, opening a word if none is open.</summary>
    public void AppendToWord(Rune rune, int sourceStart, int sourceEnd)
    {
        if (_wordStart == NoWord)
        {
            BeginWord();
        }

        Span<char> utf16 = stackalloc char[2];
        int count = rune.EncodeToUtf16(utf16);
        for (int i = 0; i < count; i++)
        {
            Add(utf16[i], sourceStart, sourceEnd);
        }

        _wordScalarCount++;
    }

    /// <summary>
    /// Lets the last character of the open word also cover source text that normalised to nothing (a combining
    /// accent after its letter), so the token's span includes it, as Hugging Face's offsets do.
    /// </summary>
    public void ExtendWord(int sourceEnd)
    {
        if (_wordStart != NoWord && Length > _wordStart)
        {
            _sourceEnds[Length - 1] = sourceEnd;
        }
    }

    /// <summary>Appends a word that is never split or replaced (a special token found in the input).</summary>
    public void AppendWholeWord(string word, int sourceStart, int sourceEnd)
    {
        EndWord();
        BeginWord();
        foreach (char c in word)
        {
            Add(c, sourceStart, sourceEnd);
        }

        _wordStart = NoWord;
    }

    public void EndWord()
    {
        if (_wordStart == NoWord)
        {
            return;
        }

        // Hugging Face turns an over-long word into one [UNK] before WordPiece and counts characters, not UTF-16
        // units; writing the [UNK] string here keeps that rule exact whatever limit the WordPiece model applies.
        if (_wordScalarCount > _maxWordLength)
        {
            int sourceStart = _sourceStarts[_wordStart];
            int sourceEnd = _sourceEnds[Length - 1];
            Length = _wordStart;
            foreach (char c in _unknownToken)
            {
                Add(c, sourceStart, sourceEnd);
            }
        }

        _wordStart = NoWord;
    }

    public void Dispose()
    {
        ArrayPool<char>.Shared.Return(_chars);
        ArrayPool<int>.Shared.Return(_sourceStarts);
        ArrayPool<int>.Shared.Return(_sourceEnds);
        _chars = [];
        _sourceStarts = [];
        _sourceEnds = [];
        Length = 0;
    }

    private void BeginWord()
    {
        if (Length > 0)
        {
            // The separator never ends up inside a token, so its source span is never read.
            Add(' ', -1, -1);
        }

        _wordStart = Length;
        _wordScalarCount = 0;
    }

    private void Add(char c, int sourceStart, int sourceEnd)
    {
        if (Length == _chars.Length)
        {
            Grow();
        }

        _chars[Length] = c;
        _sourceStarts[Length] = sourceStart;
        _sourceEnds[Length] = sourceEnd;
        Length++;
    }

    private void Grow()
    {
        int capacity = _chars.Length * 2;
        _chars = Regrow(_chars, capacity, Length);
        _sourceStarts = Regrow(_sourceStarts, capacity, Length);
        _sourceEnds = Regrow(_sourceEnds, capacity, Length);
    }

    private static T[] Regrow<T>(T[] old, int capacity, int used)
    {
        T[] grown = ArrayPool<T>.Shared.Rent(capacity);
        old.AsSpan(0, used).CopyTo(grown);
        ArrayPool<T>.Shared.Return(old);
        return grown;
    }
}
