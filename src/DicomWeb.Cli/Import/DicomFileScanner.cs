using System.Buffers.Binary;
using System.Text;

namespace DicomWeb.Cli.Import;

/// <summary>A DICOM Part 10 file found under the import folder.</summary>
/// <param name="Path">Its path.</param>
/// <param name="Length">Its size in bytes when it was found.</param>
/// <param name="SopInstanceUid">Media Storage SOP Instance UID (0002,0003) from its File Meta Information, if readable: ties server outcomes back to files.</param>
public sealed record ImportFile(string Path, long Length, string? SopInstanceUid);

/// <summary>
/// Walks a folder tree for DICOM Part 10 files. Only the first few hundred bytes of each file are read: the "DICM"
/// prefix at offset 128 decides, so a folder of JPEGs, reports and DICOMDIR-less junk is skipped quickly.
/// </summary>
public static class DicomFileScanner
{
    private const int PrefixOffset = 128;
    private const int HeadLength = 4096;

    /// <summary>The files under <paramref name="folder"/> in a stable order; <paramref name="skipped"/> is called for each non-DICOM file.</summary>
    public static IEnumerable<ImportFile> Scan(string folder, Action<string>? skipped = null)
    {
        // One folder at a time, each sorted: a stable order without listing a million paths up front.
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.System | FileAttributes.ReparsePoint };
        var buffer = new byte[HeadLength];
        var folders = new Stack<string>([folder]);
        while (folders.TryPop(out var current))
        {
            foreach (var path in Directory.EnumerateFiles(current, "*", options).Order(StringComparer.Ordinal))
            {
                var file = Probe(path, buffer);
                if (file != null) yield return file;
                else skipped?.Invoke(path);
            }
            foreach (var child in Directory.EnumerateDirectories(current, "*", options).Order(StringComparer.Ordinal).Reverse()) folders.Push(child);
        }
    }

    /// <summary>Reads the head of a file: null unless it has the Part 10 prefix.</summary>
    public static ImportFile? Probe(string path, byte[] buffer)
    {
        int read;
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            length = stream.Length;
            if (length < PrefixOffset + 4) return null;
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var head = buffer.AsSpan(0, read);
        if (!head.Slice(PrefixOffset, 4).SequenceEqual("DICM"u8)) return null;
        return new ImportFile(path, length, MediaStorageSopInstanceUid(head[(PrefixOffset + 4)..]));
    }

    /// <summary>Finds (0002,0003) in File Meta Information (always explicit VR little endian), or null.</summary>
    private static string? MediaStorageSopInstanceUid(ReadOnlySpan<byte> meta)
    {
        var position = 0;
        while (position + 8 <= meta.Length)
        {
            var group = BinaryPrimitives.ReadUInt16LittleEndian(meta[position..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(meta[(position + 2)..]);
            if (group != 0x0002) return null;
            var vr = Encoding.ASCII.GetString(meta.Slice(position + 4, 2));
            long length;
            int header;
            if (vr is "OB" or "OW" or "OF" or "SQ" or "UT" or "UN" or "UC" or "UR" or "OD" or "OL" or "OV" or "SV" or "UV")
            {
                if (position + 12 > meta.Length) return null;
                length = BinaryPrimitives.ReadUInt32LittleEndian(meta[(position + 8)..]);
                header = 12;
            }
            else
            {
                length = BinaryPrimitives.ReadUInt16LittleEndian(meta[(position + 6)..]);
                header = 8;
            }
            if (element == 0x0003)
            {
                if (position + header + length > meta.Length) return null;
                var uid = Encoding.ASCII.GetString(meta.Slice(position + header, (int)length)).TrimEnd('\0', ' ');
                return uid.Length > 0 ? uid : null;
            }
            position += header + (int)Math.Min(length, int.MaxValue / 2);
        }
        return null;
    }
}
