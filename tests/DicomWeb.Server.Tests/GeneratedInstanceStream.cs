using System.Buffers.Binary;
using System.Net;
using System.Text;
using DicomWeb.Dicom;

namespace DicomWeb.Server.Tests;

/// <summary>
/// A Part 10 multi-frame instance of any size, produced on the fly: a real header written by the Part 10 writer,
/// then the Pixel Data element header and pseudo-random pixel bytes that are never held in memory.
/// </summary>
internal sealed class GeneratedInstanceStream : Stream
{
    private readonly byte[] _header;
    private readonly long _length;
    private long _position;
    private ulong _state = 0x9E3779B97F4A7C15;

    /// <summary>Creates the stream for <paramref name="frames"/> frames of <paramref name="rows"/> × <paramref name="columns"/> 16-bit pixels.</summary>
    public GeneratedInstanceStream(DicomDataset header, int rows, int columns, int frames, bool withPixelDataHeader = true)
    {
        PixelLength = (long)rows * columns * 2 * frames;
        Header = header;
        using var buffer = new MemoryStream();
        DicomFileWriter.Write(buffer, new DicomFile(new DicomDataset(), header));
        if (withPixelDataHeader)
        {
            // (7FE0,0010) OW, explicit VR little endian: tag, VR, two reserved bytes, 32-bit length.
            Span<byte> element = stackalloc byte[12];
            BinaryPrimitives.WriteUInt16LittleEndian(element, 0x7FE0);
            BinaryPrimitives.WriteUInt16LittleEndian(element[2..], 0x0010);
            "OW"u8.CopyTo(element[4..]);
            BinaryPrimitives.WriteUInt32LittleEndian(element[8..], checked((uint)PixelLength));
            buffer.Write(element);
        }
        _header = withPixelDataHeader ? buffer.ToArray() : [];
        _length = _header.Length + PixelLength;
    }

    /// <summary>The data set of the header (without Pixel Data).</summary>
    public DicomDataset Header { get; }

    /// <summary>The number of pixel bytes.</summary>
    public long PixelLength { get; }

    /// <summary>A header data set for a multi-frame grayscale word secondary capture image.</summary>
    public static DicomDataset Dataset(string study, string series, string sop, int rows, int columns, int frames)
    {
        var dataset = new DicomDataset();
        dataset.SetStrings(DicomTags.SOPClassUID, DicomVR.UI, "1.2.840.10008.5.1.4.1.1.7.3");
        dataset.SetStrings(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        dataset.SetStrings(DicomTags.Modality, DicomVR.CS, "OT");
        dataset.SetStrings(DicomTags.PatientName, DicomVR.PN, "Large^Upload");
        dataset.SetStrings(DicomTags.PatientID, DicomVR.LO, "LARGE-1");
        dataset.SetStrings(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        dataset.SetStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
        dataset.SetStrings(DicomTags.InstanceNumber, DicomVR.IS, "1");
        dataset.Set(DicomDataElement.FromValues(DicomTags.SamplesPerPixel, DicomVR.US, [(ushort)1]));
        dataset.SetStrings(DicomTags.PhotometricInterpretation, DicomVR.CS, "MONOCHROME2");
        dataset.SetStrings(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
        dataset.Set(DicomDataElement.FromValues(DicomTags.Rows, DicomVR.US, [(ushort)rows]));
        dataset.Set(DicomDataElement.FromValues(DicomTags.Columns, DicomVR.US, [(ushort)columns]));
        dataset.Set(DicomDataElement.FromValues(DicomTags.BitsAllocated, DicomVR.US, [(ushort)16]));
        dataset.Set(DicomDataElement.FromValues(DicomTags.BitsStored, DicomVR.US, [(ushort)16]));
        dataset.Set(DicomDataElement.FromValues(DicomTags.HighBit, DicomVR.US, [(ushort)15]));
        dataset.Set(DicomDataElement.FromValues(DicomTags.PixelRepresentation, DicomVR.US, [(ushort)0]));
        return dataset;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, _length - _position);
        if (count <= 0) return 0;
        var written = 0;
        if (_position < _header.Length)
        {
            written = (int)Math.Min(count, _header.Length - _position);
            _header.AsSpan((int)_position, written).CopyTo(buffer);
        }
        // xorshift64, eight bytes per step: cheap, and incompressible enough that nothing downstream can shortcut it.
        var i = written;
        while (i < count)
        {
            var pixel = _position + i - _header.Length;
            if ((pixel & 7) == 0)
            {
                _state ^= _state << 13;
                _state ^= _state >> 7;
                _state ^= _state << 17;
                if (count - i >= 8)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], _state);
                    i += 8;
                    continue;
                }
            }
            buffer[i++] = (byte)(_state >> (int)((pixel & 7) * 8));
        }
        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A multipart/related body of streamed parts with a known length.</summary>
internal sealed class StreamedMultipartContent : HttpContent
{
    private readonly List<(byte[] Head, Stream Body)> _parts = [];
    private readonly string _boundary = "generated-" + Guid.NewGuid().ToString("N");

    public StreamedMultipartContent(string type)
    {
        Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"{type}\"; boundary={_boundary}");
    }

    public StreamedMultipartContent Part(string contentType, Stream body, string? location = null)
    {
        var head = $"\r\n--{_boundary}\r\nContent-Type: {contentType}\r\n" + (location != null ? $"Content-Location: {location}\r\n" : "") + "\r\n";
        _parts.Add((Encoding.ASCII.GetBytes(head), body));
        return this;
    }

    private byte[] Close => Encoding.ASCII.GetBytes($"\r\n--{_boundary}--\r\n");

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = new byte[256 * 1024];
        foreach (var (head, body) in _parts)
        {
            await stream.WriteAsync(head);
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) await stream.WriteAsync(buffer.AsMemory(0, read));
        }
        await stream.WriteAsync(Close);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _parts.Sum(p => p.Head.Length + p.Body.Length) + Close.Length;
        return true;
    }
}
