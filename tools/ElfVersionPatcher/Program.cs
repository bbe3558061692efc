using System.Buffers.Binary;
using System.Text;

// Marks one symbol-version requirement of an ELF64 little-endian shared object weak, so the dynamic loader
// accepts the library when the system lacks that version. Why: TorchSharp-cpu's libLibTorchSharp.so asks for
// GLIBCXX_3.4.32 for a single symbol (std::ios_base_library_init, which it never needs to call here), and
// Debian 12's libstdc++ stops at 3.4.30. glibc's loader only reports a missing version as an error when the
// Vernaux entry lacks VER_FLG_WEAK; with the flag it carries on.
//
// Usage: ElfVersionPatcher <library.so>... --version GLIBCXX_3.4.32 [--unless-provided-by /path/libstdc++.so.6]
// Idempotent: an entry already weak is left alone. The patched file is written beside and renamed over the
// original, so a hard link into the NuGet cache is never modified in place.

var files = new List<string>();
string? version = null;
string? provider = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--version" when i + 1 < args.Length:
            version = args[++i];
            break;
        case "--unless-provided-by" when i + 1 < args.Length:
            provider = args[++i];
            break;
        default:
            files.Add(args[i]);
            break;
    }
}

if (version is null || files.Count == 0)
{
    Console.Error.WriteLine("usage: ElfVersionPatcher <library.so>... --version NAME [--unless-provided-by LIB]");
    return 2;
}

if (provider is not null && File.Exists(provider) && ElfVersions.ContainsCString(File.ReadAllBytes(provider), version))
{
    Console.WriteLine($"ElfVersionPatcher: {provider} provides {version}; nothing to patch.");
    return 0;
}

var exitCode = 0;
foreach (var file in files)
{
    try
    {
        var bytes = File.ReadAllBytes(file);
        var outcome = ElfVersions.MarkRequirementWeak(bytes, version);
        switch (outcome)
        {
            case PatchOutcome.Patched:
                var temporary = file + ".patching";
                File.WriteAllBytes(temporary, bytes);
                File.Move(temporary, file, overwrite: true);
                Console.WriteLine($"ElfVersionPatcher: marked {version} weak in {file}.");
                break;
            case PatchOutcome.AlreadyWeak:
                Console.WriteLine($"ElfVersionPatcher: {version} already weak in {file}.");
                break;
            case PatchOutcome.NotRequired:
                Console.WriteLine($"ElfVersionPatcher: {file} does not require {version}.");
                break;
        }
    }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"ElfVersionPatcher: {file}: {e.Message}");
        exitCode = 1;
    }
}

return exitCode;

internal enum PatchOutcome
{
    Patched,
    AlreadyWeak,
    NotRequired,
}

internal static class ElfVersions
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    public static bool ContainsCString(ReadOnlySpan<byte> haystack, string value)
    {
        var needle = Encoding.ASCII.GetBytes(value + "\0");
        return haystack.IndexOf(needle) >= 0;
    }

    /// <summary>Walks the .gnu.version_r Verneed/Vernaux chains and sets VER_FLG_WEAK on every entry named
    /// <paramref name="version"/>.</summary>
    public static PatchOutcome MarkRequirementWeak(byte[] elf, string version)
    {
        var span = elf.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file");
        }

        if (span[4] != 2 || span[5] != 1)
        {
            throw new InvalidDataException("only ELF64 little-endian is supported");
        }

        var sectionHeaderOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(span[40..]));
        var sectionHeaderSize = BinaryPrimitives.ReadUInt16LittleEndian(span[58..]);
        var sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(span[60..]);

        var found = false;
        var patched = false;
        for (var s = 0; s < sectionCount; s++)
        {
            var header = span.Slice(sectionHeaderOffset + (s * sectionHeaderSize), sectionHeaderSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != ShtGnuVerneed)
            {
                continue;
            }

            var offset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]));
            var link = BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            var needCount = BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            var stringsHeader = span.Slice(sectionHeaderOffset + ((int)link * sectionHeaderSize), sectionHeaderSize);
            var stringsOffset = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(stringsHeader[24..]));

            var need = offset;
            for (var n = 0; n < needCount; n++)
            {
                var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(span[(need + 2)..]);
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 8)..]);
                for (var a = 0; a < auxCount; a++)
                {
                    var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 8)..]);
                    if (ReadCString(span, stringsOffset + (int)nameOffset) == version)
                    {
                        found = true;
                        var flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(aux + 4)..]);
                        if ((flags & VerFlagWeak) == 0)
                        {
                            BinaryPrimitives.WriteUInt16LittleEndian(span[(aux + 4)..], (ushort)(flags | VerFlagWeak));
                            patched = true;
                        }
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(aux + 12)..]);
                }

                var next = BinaryPrimitives.ReadUInt32LittleEndian(span[(need + 12)..]);
                if (next == 0)
                {
                    break;
                }

                need += (int)next;
            }
        }

        return !found ? PatchOutcome.NotRequired : patched ? PatchOutcome.Patched : PatchOutcome.AlreadyWeak;
    }

    private static string ReadCString(ReadOnlySpan<byte> span, int start)
    {
        var length = span[start..].IndexOf((byte)0);
        return Encoding.ASCII.GetString(span.Slice(start, length));
    }
}
