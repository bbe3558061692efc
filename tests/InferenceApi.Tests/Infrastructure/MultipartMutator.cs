using System.Text;
using CsCheck;

namespace InferenceApi.Tests.Infrastructure;

/// <summary>
/// Mutates a valid <c>multipart/form-data</c> upload: cuts and deletions anywhere, stray bytes and boundaries, parts
/// repeated, the Content-Type's boundary (missing, empty, quoted, long, another one), a part's Content-Disposition
/// (missing, nameless, another disposition, huge or odd file names), extra part headers (long, colonless, many), and
/// image bytes that are cut, random, or a PNG header claiming a huge size.
/// </summary>
public static class MultipartMutator
{
    public const string Boundary = "Mut4t0r-boundary";

    private const int Kinds = 8;

    private static readonly string[] ContentTypes =
    [
        "multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
        $"multipart/form-data; boundary=\"{Boundary}\"", $"multipart/form-data; boundary={new string('b', 70)}",
        $"multipart/form-data; boundary={new string('b', 71)}", $"multipart/form-data; boundary={new string('b', 200)}",
        "multipart/form-data; boundary=other", $"multipart/mixed; boundary={Boundary}", $"multipart/form-data; boundary={Boundary}; charset=utf-8",
        $"multipart/form-data;boundary={Boundary}", "multipart/form-data; boundary=\"unterminated", "text/plain",
    ];

    private static readonly string[] Dispositions =
    [
        "", "Content-Disposition: form-data", "Content-Disposition: form-data; name=", "Content-Disposition: form-data; name=\"\"",
        "Content-Disposition: attachment; name=\"images\"; filename=\"a.png\"", "Content-Disposition: form-data; name=\"images\"; filename=\"\"",
        $"Content-Disposition: form-data; name=\"images\"; filename=\"{new string('f', 5000)}.png\"",
        "Content-Disposition: form-data; name=\"images\"; filename*=UTF-8''%F0%9F%98%80.png", "Content-Disposition: form-data; name=\"\\ud800\"",
        "Content-Disposition: form-data; name=\"top_k\"", "Content-Disposition: form-data; name=\"version\"", "Content-Disposition: form-data; name=\"model\"",
        "Content-Disposition: form-data; name=\"images\"", "Content-Disposition: form-data; name=\"unknown\"", "Content-Disposition",
    ];

    private static readonly string[] Headers =
    [
        $"X-Long: {new string('h', 17_000)}", "no colon at all", ": empty name", "Content-Type: image/png", "Content-Type: ",
        string.Join("\r\n", Enumerable.Range(0, 20).Select(i => $"X-Many-{i}: 1")), "Content-Length: 999999999",
    ];

    /// <summary>One to three mutations: (kind, where, which) each.</summary>
    public static Gen<(int Kind, int Where, int Which)[]> Plans { get; } =
        Gen.Select(Gen.Int[0, Kinds - 1], Gen.Int[0, 1_000_000], Gen.Int[0, 1000]).Array[1, 3];

    /// <summary>A valid upload of <paramref name="images"/> for <paramref name="model"/>, with top_k.</summary>
    public static byte[] Valid(string model, IReadOnlyList<byte[]> images)
    {
        var body = new List<byte>();
        body.AddRange(Part("Content-Disposition: form-data; name=\"model\"", Encoding.UTF8.GetBytes(model)));
        body.AddRange(Part("Content-Disposition: form-data; name=\"top_k\"", "2"u8.ToArray()));
        for (var i = 0; i < images.Count; i++)
        {
            body.AddRange(Part($"Content-Disposition: form-data; name=\"images\"; filename=\"{i}.png\"\r\nContent-Type: image/png", images[i]));
        }

        body.AddRange(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        return [.. body];
    }

    /// <summary>The mutated body and the Content-Type to send it with.</summary>
    public static (byte[] Body, string ContentType) Apply(byte[] valid, (int Kind, int Where, int Which)[] plan)
    {
        var body = valid;
        var contentType = $"multipart/form-data; boundary={Boundary}";
        foreach (var (kind, where, which) in plan)
        {
            var at = where % (body.Length + 1);
            body = kind switch
            {
                0 => body[..at],
                1 => [.. body[..at], .. body[Math.Min(body.Length, at + 1 + (which % 512))..]],
                2 => [.. body[..at], .. Stray(which), .. body[at..]],
                3 => Repeat(body, at, which),
                4 => ReplaceLine(body, at, "Content-Disposition", Dispositions[which % Dispositions.Length]),
                5 => InsertHeader(body, at, Headers[which % Headers.Length]),
                6 => ReplaceImage(body, which),
                _ => body,
            };
            if (kind == 7)
            {
                contentType = ContentTypes[which % ContentTypes.Length];
            }
        }

        return (body, contentType);
    }

    private static byte[] Part(string headers, byte[] content) =>
        [.. Encoding.UTF8.GetBytes($"--{Boundary}\r\n{headers}\r\n\r\n"), .. content, .. "\r\n"u8];

    private static byte[] Stray(int which) => (which % 5) switch
    {
        0 => Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\n"),
        1 => Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"),
        2 => "\r\n\r\n"u8.ToArray(),
        3 => [0xFF, 0xFE, 0x00],
        _ => Encoding.ASCII.GetBytes(new string('z', which)),
    };

    /// <summary>The part around <paramref name="at"/> once more, right after itself.</summary>
    private static byte[] Repeat(byte[] body, int at, int times)
    {
        var marker = Encoding.ASCII.GetBytes($"--{Boundary}");
        var start = body.AsSpan(0, Math.Min(at, body.Length)).LastIndexOf(marker);
        if (start < 0)
        {
            return body;
        }

        var next = body.AsSpan(start + marker.Length).IndexOf(marker);
        var end = next < 0 ? body.Length : start + marker.Length + next;
        var part = body[start..end];
        var copies = Enumerable.Repeat(part, 1 + (times % 3)).SelectMany(p => p);
        return [.. body[..end], .. copies, .. body[end..]];
    }

    /// <summary>The first line starting with <paramref name="prefix"/> at or after <paramref name="at"/> becomes <paramref name="line"/> (none when empty).</summary>
    private static byte[] ReplaceLine(byte[] body, int at, string prefix, string line)
    {
        var from = body.AsSpan(at).IndexOf(Encoding.ASCII.GetBytes(prefix));
        if (from < 0)
        {
            from = body.AsSpan().IndexOf(Encoding.ASCII.GetBytes(prefix));
            at = 0;
        }

        if (from < 0)
        {
            return body;
        }

        var start = at + from;
        var end = body.AsSpan(start).IndexOf("\r\n"u8);
        end = end < 0 ? body.Length : start + end + 2;
        var replacement = line.Length == 0 ? [] : Encoding.UTF8.GetBytes(line + "\r\n");
        return [.. body[..start], .. replacement, .. body[end..]];
    }

    private static byte[] InsertHeader(byte[] body, int at, string header)
    {
        var disposition = body.AsSpan(at).IndexOf("Content-Disposition"u8);
        var start = disposition < 0 ? body.AsSpan().IndexOf("Content-Disposition"u8) : at + disposition;
        return start < 0 ? body : [.. body[..start], .. Encoding.UTF8.GetBytes(header + "\r\n"), .. body[start..]];
    }

    /// <summary>The first PNG in the body becomes a cut copy, random bytes, or a header that claims 100000×100000 pixels.</summary>
    private static byte[] ReplaceImage(byte[] body, int which)
    {
        var png = body.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]);
        if (png < 0)
        {
            return body;
        }

        var end = body.AsSpan(png).IndexOf(Encoding.ASCII.GetBytes($"\r\n--{Boundary}"));
        end = end < 0 ? body.Length : png + end;
        var original = body[png..end];
        byte[] replacement = (which % 3) switch
        {
            0 => original[..(original.Length * (which % 97) / 97)],
            1 => [.. Enumerable.Range(0, 64 + which).Select(i => (byte)((i * 131) + which))],
            _ => Bomb(original),
        };
        return [.. body[..png], .. replacement, .. body[end..]];
    }

    /// <summary>The PNG with its IHDR width and height set to 100000 (the CRC no longer matches, as in a crafted file).</summary>
    private static byte[] Bomb(byte[] png)
    {
        var copy = png.ToArray();
        if (copy.Length >= 24)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(16), 100_000);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(20), 100_000);
        }

        return copy;
    }
}
