using System.IO.Compression;

namespace DicomWeb.Dicom.IO;

/// <summary>
/// Reads DICOM data elements from a <see cref="DicomByteReader"/> into data sets.
/// One instance reads one stream; encoding state (explicit VR, endianness) is switched
/// while reading the implicit-VR contents of undefined-length UN elements.
/// </summary>
internal sealed class DicomParser
{
    private static readonly DicomTag PixelDataTag = new(0x7FE0, 0x0010);
    private static readonly DicomTag FirstPixelDataTag = new(0x7FE0, 0x0008);
    private static readonly DicomTag PixelRepresentationTag = new(0x0028, 0x0103);

    private DicomByteReader _reader;
    private readonly DicomReaderOptions _options;
    private readonly List<DicomReadWarning> _warnings;
    private IDicomBulkDataSource? _source;
    private bool _explicit;
    private bool _bigEndian;
    private DicomDataset? _topLevel;
    private bool _inflated;
    private const int SlabSize = 4096;
    private const int SlabValueLimit = 256;
    private byte[] _slab = [];
    private int _slabUsed;

    public DicomParser(DicomByteReader reader, DicomReaderOptions options, List<DicomReadWarning> warnings, IDicomBulkDataSource? source)
    {
        _reader = reader;
        _options = options;
        _warnings = warnings;
        _source = source;
    }

    public DicomByteReader Reader => _reader;

    /// <summary>Offset of the top-level element before which reading stopped, or -1.</summary>
    public long StoppedAt { get; private set; } = -1;

    /// <summary>True when data ended inside a value, sequence, item or pixel data: the source is cut short.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Reads the File Meta Information: explicit VR little endian elements of group 0002.</summary>
    public DicomDataset ReadFileMetaInformation()
    {
        var meta = new DicomDataset();
        _explicit = true;
        _bigEndian = false;
        while (_reader.TryFill(8))
        {
            var head = _reader.Peek(8);
            var group = (ushort)(head[0] | head[1] << 8);
            if (group != 0x0002) break;
            // Some writers put the meta group in implicit VR; tolerate it element by element.
            _explicit = DicomVRInfo.TryParse(head[4], head[5], out _);
            if (!_explicit) Warn(_reader.Position, null, "file meta element without explicit VR");
            var element = ReadElement(0, out _);
            if (element != null) meta.Set(element);
        }
        return meta;
    }

    /// <summary>Switches to the data set's transfer syntax; a deflated one wraps the rest of the stream in an inflater.</summary>
    public void BeginDataset(DicomTransferSyntax syntax)
    {
        _explicit = syntax.IsExplicitVR;
        _bigEndian = syntax.IsBigEndian;
        if (syntax.IsDeflated)
        {
            var inflater = new DeflateStream(_reader.DetachRemainder(), CompressionMode.Decompress);
            _reader = new DicomByteReader(inflater);
            _source = null;
            // Offsets in inflated data point nowhere in the file: values are loaded, never referenced.
            _inflated = true;
        }
    }

    /// <summary>Sets the encoding directly (for streams without file meta information).</summary>
    public void SetEncoding(bool explicitVR, bool bigEndian)
    {
        _explicit = explicitVR;
        _bigEndian = bigEndian;
    }

    /// <summary>Reads the items of a sequence value of <paramref name="length"/> bytes in implicit VR little endian (a UN value that is really a sequence).</summary>
    public DicomSequence ReadImplicitSequenceValue(DicomTag tag, long length)
    {
        _explicit = false;
        _bigEndian = false;
        return ReadSequence(tag, 0, 0, undefinedEnd: false, (uint)length, 0, nestedImplicit: false);
    }

    /// <summary>Reads top-level elements until the end of the stream or the stop tag.</summary>
    public DicomDataset ReadDataset()
    {
        var dataset = new DicomDataset();
        _topLevel = dataset;
        var stopAt = _options.StopBeforePixelData ? FirstPixelDataTag.Value : uint.MaxValue;
        if (_options.StopAtTag is { } stopTag && stopTag.Value < stopAt) stopAt = stopTag.Value;
        uint previous = 0;
        while (true)
        {
            var start = _reader.Position;
            if (!_reader.TryFill(1)) break;
            if (!_reader.TryFill(8))
            {
                Warn(start, null, $"{_reader.Buffered} trailing bytes ignored");
                _reader.Skip(_reader.Buffered);
                break;
            }
            var tag = PeekTag();
            if (tag.Value >= stopAt && tag.Group != 0xFFFE)
            {
                StoppedAt = start;
                break;
            }
            if (tag.Value == 0 && previous != 0 && IsZeroPadding())
            {
                Warn(start, null, "trailing zero padding ignored");
                break;
            }
            if (tag.Group == 0xFFFE)
            {
                SkipStrayDelimiter(tag, start);
                continue;
            }
            if (tag.Value < previous) Warn(start, tag, "element out of tag order");
            else if (tag.Value == previous) Warn(start, tag, "element repeated; the last one is kept");
            var element = ReadElement(0, out _);
            if (element != null) dataset.Set(element);
            previous = tag.Value;
        }
        return dataset;
    }

    private bool IsZeroPadding()
    {
        var available = _reader.Buffered;
        var span = _reader.Peek(available);
        foreach (var b in span) if (b != 0) return false;
        return _reader.Remaining <= available;
    }

    private void SkipStrayDelimiter(DicomTag tag, long start)
    {
        _reader.Advance(4);
        var length = _reader.ReadUInt32(_bigEndian);
        if (tag == DicomTag.Item && length != 0xFFFFFFFF)
        {
            Warn(start, tag, $"item outside a sequence, {length} bytes skipped");
            SkipValue(length, start, tag);
        }
        else Warn(start, tag, "delimiter outside a sequence ignored");
    }

    private DicomTag PeekTag()
    {
        var head = _reader.Peek(4);
        ushort group, element;
        if (_bigEndian)
        {
            group = (ushort)(head[0] << 8 | head[1]);
            element = (ushort)(head[2] << 8 | head[3]);
        }
        else
        {
            group = (ushort)(head[0] | head[1] << 8);
            element = (ushort)(head[2] | head[3] << 8);
        }
        return new DicomTag(group, element);
    }

    /// <summary>
    /// Reads one element whose header starts at the current position. Returns null for nothing to keep.
    /// <paramref name="delimiter"/> is set when an item or sequence delimiter was met instead of an element.
    /// </summary>
    private DicomElement? ReadElement(int depth, out DicomTag? delimiter)
    {
        delimiter = null;
        var start = _reader.Position;
        if (!_reader.TryFill(8)) throw new DicomParseException("unexpected end of data in an element header", start);
        var tag = PeekTag();
        _reader.Advance(4);
        if (tag.Group == 0xFFFE)
        {
            var delimiterLength = _reader.ReadUInt32(_bigEndian);
            if (tag == DicomTag.ItemDelimitationItem || tag == DicomTag.SequenceDelimitationItem)
            {
                if (delimiterLength != 0) Warn(start, tag, $"delimiter with length {delimiterLength}");
                delimiter = tag;
                return null;
            }
            throw new DicomParseException("item tag where a data element was expected", start, tag);
        }

        DicomVR vr;
        uint length;
        var head = _reader.Peek(4);
        if (_explicit && DicomVRInfo.TryParse(head[0], head[1], out vr))
        {
            _reader.Advance(2);
            if (DicomVRInfo.HasLongLength(vr))
            {
                _reader.Advance(2);
                length = _reader.ReadUInt32(_bigEndian);
            }
            else length = _reader.ReadUInt16(_bigEndian);
        }
        else
        {
            if (_explicit)
            {
                // A VR that is not one of the standard's: read the 4 bytes as an implicit VR length.
                Warn(start, tag, $"invalid VR bytes 0x{head[0]:X2}{head[1]:X2}, read as implicit VR");
            }
            vr = ImplicitVR(tag);
            length = _reader.ReadUInt32(_bigEndian);
        }

        var valueOffset = _reader.Position;
        if (length == 0xFFFFFFFF)
        {
            if (tag == PixelDataTag || (vr is DicomVR.OB or DicomVR.OW && tag.Group == 0x7FE0))
                return ReadFragments(tag, vr, start, valueOffset);
            if (vr is DicomVR.SQ or DicomVR.UN || vr == DicomVR.None || !_explicit)
            {
                // An undefined-length UN holds a sequence encoded in implicit VR little endian (PS3.5 §6.2.2).
                var nestedImplicit = vr == DicomVR.UN && _explicit;
                return ReadSequence(tag, start, valueOffset, undefinedEnd: true, length, depth, nestedImplicit);
            }
            throw new DicomParseException($"undefined length on a {DicomVRInfo.Code(vr)} element", start, tag);
        }

        if (vr == DicomVR.SQ) return ReadSequence(tag, start, valueOffset, undefinedEnd: false, length, depth, false);
        return ReadValue(tag, vr, length, start, valueOffset);
    }

    private DicomVR ImplicitVR(DicomTag tag)
    {
        if (tag.IsGroupLength) return DicomVR.UL;
        if (tag.IsPrivate) return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        if (!DicomDictionary.TryGetEntry(tag, out var entry)) return DicomVR.UN;
        var vrs = entry.ValueRepresentations;
        if (vrs.Count <= 1) return entry.DefaultVR;
        // Ambiguous VRs (PS3.5 Annex A.1): implicit VR pixel data and LUTs are OW; US/SS follows Pixel Representation.
        foreach (var candidate in vrs) if (candidate == DicomVR.OW) return DicomVR.OW;
        if (vrs.Contains(DicomVR.SS) && vrs.Contains(DicomVR.US))
            return _topLevel?.GetInt32(PixelRepresentationTag) == 1 ? DicomVR.SS : DicomVR.US;
        return entry.DefaultVR;
    }

    private DicomElement ReadValue(DicomTag tag, DicomVR vr, uint length, long start, long valueOffset)
    {
        var remaining = _reader.Remaining;
        if (remaining >= 0 && length > remaining)
        {
            Truncated = true;
            Warn(start, tag, $"value length {length} exceeds the {remaining} bytes left; truncated");
            length = (uint)remaining;
        }
        var swapUnit = _bigEndian ? DicomVRInfo.SwapUnit(vr) : 0;
        if (IsBulk(vr, length))
        {
            var source = _reader.CanSeek ? _source : _options.BulkDataSource;
            SkipValue(length, start, tag);
            return new DicomDataElement(tag, vr, new DicomBulkDataReference(source, valueOffset, length, swapUnit))
            {
                StreamOffset = start, ValueOffset = valueOffset, SourceLength = length,
            };
        }
        Memory<byte> bytes;
        try
        {
            bytes = length <= SlabValueLimit ? ReadIntoSlab((int)length) : _reader.ReadBytes(length);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
        if (swapUnit > 1) ByteSwap.InPlace(bytes.Span, swapUnit);
        return new DicomDataElement(tag, vr, bytes) { StreamOffset = start, ValueOffset = valueOffset, SourceLength = length };
    }

    /// <summary>
    /// Small values share slabs rather than each getting an array: a header is hundreds of short values,
    /// and one allocation per value is most of what parsing it costs.
    /// </summary>
    private Memory<byte> ReadIntoSlab(int length)
    {
        if (length == 0) return Memory<byte>.Empty;
        if (_slab.Length - _slabUsed < length)
        {
            _slab = new byte[SlabSize];
            _slabUsed = 0;
        }
        var slice = _slab.AsMemory(_slabUsed, length);
        _reader.ReadExactly(slice.Span);
        // Keep slices 8-byte aligned so numeric values can be reinterpreted in place.
        _slabUsed += (length + 7) & ~7;
        return slice;
    }

    private bool IsBulk(DicomVR vr, long length) => DicomVRInfo.IsBinary(vr) && IsBulk(length);

    private bool IsBulk(long length) =>
        length > _options.BulkDataThreshold && !_inflated && (_reader.CanSeek && _source != null || !_reader.CanSeek);

    private void SkipValue(long length, long start, DicomTag tag)
    {
        try
        {
            _reader.Skip(length);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
    }

    private DicomSequence ReadSequence(DicomTag tag, long start, long valueOffset, bool undefinedEnd, uint length, int depth, bool nestedImplicit)
    {
        if (depth >= _options.MaxDepth)
            throw new DicomParseException($"sequences nested deeper than {_options.MaxDepth} levels", start, tag);
        var end = undefinedEnd ? long.MaxValue : valueOffset + length;
        var remaining = _reader.Remaining;
        if (!undefinedEnd && remaining >= 0 && length > remaining)
            throw new DicomParseException($"sequence length {length} exceeds the {remaining} bytes left", start, tag);

        var savedExplicit = _explicit;
        var savedBigEndian = _bigEndian;
        if (nestedImplicit)
        {
            _explicit = false;
            _bigEndian = false;
        }
        var sequence = new DicomSequence(tag) { UndefinedLength = undefinedEnd, StreamOffset = start, ValueOffset = valueOffset, SourceLength = length };
        try
        {
            while (_reader.Position < end)
            {
                var itemStart = _reader.Position;
                if (!_reader.TryFill(8))
                {
                    if (undefinedEnd)
                    {
                        Truncated = true;
                        Warn(itemStart, tag, "sequence not closed before the end of the data");
                        break;
                    }
                    throw new DicomParseException("unexpected end of data in a sequence", itemStart, tag);
                }
                var itemTag = PeekTag();
                if (itemTag == DicomTag.SequenceDelimitationItem)
                {
                    _reader.Advance(8);
                    if (!undefinedEnd) Warn(itemStart, tag, "sequence delimiter in a defined-length sequence");
                    break;
                }
                if (itemTag != DicomTag.Item)
                {
                    if (undefinedEnd)
                    {
                        // A missing sequence delimiter: the element belongs to the enclosing data set.
                        Warn(itemStart, itemTag, "sequence ended without a delimiter");
                        break;
                    }
                    throw new DicomParseException("expected an item in a sequence", itemStart, itemTag);
                }
                _reader.Advance(4);
                var itemLength = _reader.ReadUInt32(_bigEndian);
                sequence.Add(ReadItem(itemStart, itemLength, end, depth + 1, tag));
            }
            if (!undefinedEnd && _reader.Position != end)
                throw new DicomParseException("sequence items overrun the sequence length", _reader.Position, tag);
        }
        finally
        {
            _explicit = savedExplicit;
            _bigEndian = savedBigEndian;
        }
        return sequence;
    }

    private DicomDataset ReadItem(long itemStart, uint itemLength, long containerEnd, int depth, DicomTag sequenceTag)
    {
        var undefined = itemLength == 0xFFFFFFFF;
        var end = undefined ? long.MaxValue : _reader.Position + itemLength;
        if (!undefined && end > containerEnd)
            throw new DicomParseException($"item length {itemLength} overruns its sequence", itemStart, sequenceTag);
        var remaining = _reader.Remaining;
        if (!undefined && remaining >= 0 && itemLength > remaining)
            throw new DicomParseException($"item length {itemLength} exceeds the {remaining} bytes left", itemStart, sequenceTag);
        var item = new DicomDataset { UndefinedLength = undefined, StreamOffset = itemStart };
        while (_reader.Position < end)
        {
            var elementStart = _reader.Position;
            if (undefined && !_reader.TryFill(8))
            {
                Truncated = true;
                Warn(elementStart, sequenceTag, "item not closed before the end of the data");
                break;
            }
            if (_reader.TryFill(4))
            {
                var next = PeekTag();
                if (next == DicomTag.SequenceDelimitationItem || next == DicomTag.Item)
                {
                    // Missing item delimiter: leave the tag for the sequence to read.
                    Warn(elementStart, sequenceTag, "item ended without a delimiter");
                    break;
                }
            }
            var element = ReadElement(depth, out var delimiter);
            if (delimiter == DicomTag.ItemDelimitationItem)
            {
                if (!undefined) Warn(elementStart, sequenceTag, "item delimiter in a defined-length item");
                break;
            }
            if (element == null) continue;
            if (item.Count > 0 && item[item.Count - 1].Tag >= element.Tag)
                Warn(elementStart, element.Tag, item.Contains(element.Tag) ? "element repeated in an item; the last one is kept" : "element out of tag order in an item");
            item.Set(element);
        }
        if (!undefined && _reader.Position != end)
            throw new DicomParseException("item elements overrun the item length", _reader.Position, sequenceTag);
        return item;
    }

    private DicomFragmentSequence ReadFragments(DicomTag tag, DicomVR vr, long start, long valueOffset)
    {
        var fragments = new DicomFragmentSequence(tag, vr == DicomVR.OW ? DicomVR.OW : DicomVR.OB)
        {
            StreamOffset = start, ValueOffset = valueOffset, SourceLength = 0xFFFFFFFF,
        };
        var first = true;
        while (true)
        {
            var itemStart = _reader.Position;
            if (!_reader.TryFill(8))
            {
                Truncated = true;
                Warn(itemStart, tag, "encapsulated pixel data not closed before the end of the data");
                break;
            }
            var itemTag = PeekTag();
            _reader.Advance(4);
            var length = _reader.ReadUInt32(_bigEndian);
            if (itemTag == DicomTag.SequenceDelimitationItem) break;
            if (itemTag != DicomTag.Item)
                throw new DicomParseException("expected a fragment item in encapsulated pixel data", itemStart, itemTag);
            if (length == 0xFFFFFFFF)
                throw new DicomParseException("fragment with undefined length", itemStart, tag);
            var remaining = _reader.Remaining;
            if (remaining >= 0 && length > remaining)
            {
                Truncated = true;
                Warn(itemStart, tag, $"fragment length {length} exceeds the {remaining} bytes left; truncated");
                length = (uint)remaining;
            }
            var fragmentOffset = _reader.Position;
            if (first)
            {
                first = false;
                if (length % 4 != 0) throw new DicomParseException($"basic offset table length {length} is not a multiple of 4", itemStart, tag);
                var table = ReadBytesOrThrow(length, itemStart, tag);
                var offsets = new uint[length / 4];
                for (var i = 0; i < offsets.Length; i++)
                    offsets[i] = _bigEndian
                        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(table.AsSpan(i * 4))
                        : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * 4));
                fragments.BasicOffsetTable = offsets;
                continue;
            }
            // Fragments are only ever needed as positions (frames are served from the file), so with a
            // re-readable source none is loaded, whatever the threshold.
            if (IsBulk(length) || (_reader.CanSeek && _source != null && !_inflated && length > 0))
            {
                var source = _reader.CanSeek ? _source : _options.BulkDataSource;
                SkipValue(length, itemStart, tag);
                fragments.Fragments.Add(new DicomFragment(new DicomBulkDataReference(source, fragmentOffset, length)));
            }
            else
            {
                fragments.Fragments.Add(new DicomFragment(ReadBytesOrThrow(length, itemStart, tag)) { StreamOffset = fragmentOffset });
            }
        }
        return fragments;
    }

    private byte[] ReadBytesOrThrow(long length, long start, DicomTag tag)
    {
        try
        {
            return _reader.ReadBytes(length);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException($"value of {length} bytes runs past the end of the data", start, tag, e);
        }
    }

    private void Warn(long offset, DicomTag? tag, string message) => _warnings.Add(new DicomReadWarning(offset, tag, message));
}
