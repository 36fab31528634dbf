using System.Buffers.Binary;
using System.Text;

namespace DicomWeb.Dicom.Benchmarks;

/// <summary>Writes test files byte by byte, so benchmarks do not depend on the writer under test.</summary>
internal static class SyntheticFiles
{
    /// <summary>An explicit VR LE JPEG Baseline file with one fragment per frame and an empty Basic Offset Table.</summary>
    public static string WriteEncapsulated(int frames, int frameBytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-{frames}f-{Guid.NewGuid():N}.dcm");
        using var stream = new FileStream(path, FileMode.CreateNew);
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[128]);
        writer.Write("DICM"u8);
        var syntax = Even("1.2.840.10008.1.2.4.50", '\0');
        Element(writer, 0x0002, 0x0000, "UL", BitConverter.GetBytes(8 + syntax.Length));
        Element(writer, 0x0002, 0x0010, "UI", syntax);
        Element(writer, 0x0008, 0x0016, "UI", Even("1.2.840.10008.5.1.4.1.1.7", '\0'));
        Element(writer, 0x0008, 0x0018, "UI", Even("1.2.3.4.5.6.7.8.9", '\0'));
        Element(writer, 0x0028, 0x0002, "US", BitConverter.GetBytes((ushort)1));
        Element(writer, 0x0028, 0x0008, "IS", Even(frames.ToString(System.Globalization.CultureInfo.InvariantCulture), ' '));
        Element(writer, 0x0028, 0x0010, "US", BitConverter.GetBytes((ushort)256));
        Element(writer, 0x0028, 0x0011, "US", BitConverter.GetBytes((ushort)256));
        Element(writer, 0x0028, 0x0100, "US", BitConverter.GetBytes((ushort)8));
        writer.Write((ushort)0x7FE0); writer.Write((ushort)0x0010); writer.Write("OB"u8); writer.Write((ushort)0); writer.Write(0xFFFFFFFFu);
        Item(writer, 0);
        var frame = new byte[frameBytes];
        frame[0] = 0xFF; frame[1] = 0xD8;
        for (var i = 0; i < frames; i++)
        {
            Item(writer, frameBytes);
            writer.Write(frame);
        }
        writer.Write((ushort)0xFFFE); writer.Write((ushort)0xE0DD); writer.Write(0u);
        return path;
    }

    private static void Item(BinaryWriter writer, int length)
    {
        writer.Write((ushort)0xFFFE); writer.Write((ushort)0xE000); writer.Write(length);
    }

    private static void Element(BinaryWriter writer, ushort group, ushort element, string vr, byte[] value)
    {
        writer.Write(group); writer.Write(element); writer.Write(Encoding.ASCII.GetBytes(vr));
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)value.Length);
        writer.Write(length);
        writer.Write(value);
    }

    private static byte[] Even(string text, char pad) => Encoding.ASCII.GetBytes(text.Length % 2 == 0 ? text : text + pad);
}
