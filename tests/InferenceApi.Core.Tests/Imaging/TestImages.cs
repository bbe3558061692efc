using System.Buffers.Binary;
using SkiaSharp;

namespace InferenceApi.Core.Tests.Imaging;

/// <summary>Builds small images with known pixels, encoded by SkiaSharp or written byte by byte.</summary>
internal static class TestImages
{
    /// <summary>A pattern where every pixel differs, so a wrong orientation or offset shows.</summary>
    public static SKColor Pattern(int x, int y) => new((byte)(10 + (20 * x)), (byte)(200 - (30 * y)), (byte)((7 * x) + (11 * y)), 255);

    public static SKBitmap Bitmap(int width, int height, Func<int, int, SKColor> color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, color(x, y));
            }
        }

        return bitmap;
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 100)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp has no {format} encoder here.");
        return data.ToArray();
    }

    public static byte[] Png(int width, int height, Func<int, int, SKColor> color)
    {
        using var bitmap = Bitmap(width, height, color);
        return Encode(bitmap, SKEncodedImageFormat.Png);
    }

    /// <summary>A 24-bit bottom-up BMP; SkiaSharp decodes BMP but does not encode it.</summary>
    public static byte[] Bmp(int width, int height, Func<int, int, SKColor> color)
    {
        var rowBytes = ((width * 3) + 3) & ~3;
        var bytes = new byte[54 + (rowBytes * height)];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(34), rowBytes * height);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * rowBytes);
            for (var x = 0; x < width; x++)
            {
                var c = color(x, y);
                bytes[row + (3 * x)] = c.Blue;
                bytes[row + (3 * x) + 1] = c.Green;
                bytes[row + (3 * x) + 2] = c.Red;
            }
        }

        return bytes;
    }

    /// <summary>
    /// A GIF87a with a 4-colour global palette and one full-size image per frame (indices 0..3). The LZW stream
    /// sends a clear code before every pair of literals, so the code width stays at 3 bits and no dictionary is needed.
    /// </summary>
    public static byte[] Gif(int width, int height, SKColor[] palette, params byte[][] frames)
    {
        var output = new List<byte>();
        output.AddRange("GIF87a"u8.ToArray());
        AddUInt16(output, width);
        AddUInt16(output, height);
        output.AddRange([0x81, 0, 0]);
        for (var i = 0; i < 4; i++)
        {
            var c = i < palette.Length ? palette[i] : SKColors.Black;
            output.AddRange([c.Red, c.Green, c.Blue]);
        }

        foreach (var indices in frames)
        {
            output.Add(0x2C);
            AddUInt16(output, 0);
            AddUInt16(output, 0);
            AddUInt16(output, width);
            AddUInt16(output, height);
            output.Add(0);
            output.Add(2);

            var codes = new List<int>();
            for (var i = 0; i < indices.Length; i++)
            {
                if (i % 2 == 0)
                {
                    codes.Add(4);
                }

                codes.Add(indices[i]);
            }

            codes.Add(5);
            var packed = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (var code in codes)
            {
                buffer |= code << bits;
                bits += 3;
                while (bits >= 8)
                {
                    packed.Add((byte)buffer);
                    buffer >>= 8;
                    bits -= 8;
                }
            }

            if (bits > 0)
            {
                packed.Add((byte)buffer);
            }

            foreach (var chunk in packed.Chunk(255))
            {
                output.Add((byte)chunk.Length);
                output.AddRange(chunk);
            }

            output.Add(0);
        }

        output.Add(0x3B);
        return [.. output];
    }

    /// <summary>Inserts an EXIF APP1 segment holding only an Orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] exif =
        [
            .. "Exif\0\0"u8,
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0, // no next IFD
        ];
        var length = exif.Length + 2;
        return [jpeg[0], jpeg[1], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. exif, .. jpeg.AsSpan(2)];
    }

    /// <summary>A PNG that is only a signature, an IHDR and an IEND: a header claiming any size, with no pixels at all.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var output = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour RGB
        AddChunk(output, "IHDR"u8, ihdr);

        // libpng reads up to the first IDAT before it reports the header, so there is one, holding a single
        // compressed row: a decoder that got this far would run out of data at row 2.
        AddChunk(output, "IDAT"u8, Deflate(new byte[1 + (width * 3)]));
        AddChunk(output, "IEND"u8, []);
        return [.. output];
    }

    /// <summary>An 8-bit RGBA PNG written byte by byte (filter 0 on every row), so no encoder can alter the colours.</summary>
    public static byte[] PngRgba(int width, int height, byte[] rgba)
    {
        var output = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = 6; // truecolour with alpha
        AddChunk(output, "IHDR"u8, ihdr);
        var raw = new byte[height * (1 + (width * 4))];
        for (var y = 0; y < height; y++)
        {
            rgba.AsSpan(y * width * 4, width * 4).CopyTo(raw.AsSpan((y * (1 + (width * 4))) + 1));
        }

        AddChunk(output, "IDAT"u8, Deflate(raw));
        AddChunk(output, "IEND"u8, []);
        return [.. output];
    }

    private static byte[] Deflate(byte[] data)
    {
        using var memory = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(memory, System.IO.Compression.CompressionLevel.Optimal))
        {
            zlib.Write(data);
        }

        return memory.ToArray();
    }

    private static void AddChunk(List<byte> output, ReadOnlySpan<byte> type, byte[] data)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        output.AddRange(header);
        byte[] typed = [.. type, .. data];
        output.AddRange(typed);
        BinaryPrimitives.WriteUInt32BigEndian(header, Crc32(typed));
        output.AddRange(header);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void AddUInt16(List<byte> output, int value)
    {
        output.Add((byte)value);
        output.Add((byte)(value >> 8));
    }
}
