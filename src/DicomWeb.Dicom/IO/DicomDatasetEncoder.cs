namespace DicomWeb.Dicom.IO;

/// <summary>Byte order and VR encoding of data elements.</summary>
internal readonly record struct DicomEncoding(bool ExplicitVR, bool BigEndian)
{
    public static DicomEncoding ExplicitLittle => new(true, false);
    public static DicomEncoding ImplicitLittle => new(false, false);

    public static DicomEncoding Of(DicomTransferSyntax syntax) => new(syntax.IsExplicitVR, syntax.IsBigEndian);
}

/// <summary>
/// Serializes data sets for one write call. Lengths that must precede their contents (defined-length sequences and
/// items, group lengths) come from a length pass over the model, computed on demand and cached per sequence and
/// item, so nothing is serialized twice and no element is buffered in memory. Text values are encoded once and the
/// bytes kept for both passes.
/// </summary>
internal sealed class DicomDatasetEncoder
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private const long MaxDefinedLength = 0xFFFFFFFE;

    private readonly DicomBufferedWriter _writer;
    private readonly DicomWriterOptions _options;
    // Content lengths of items (DicomDataset) and value lengths of sequences (DicomSequence). Explicit and implicit
    // VR differ in header sizes; the same object is written in one encoding per call, but an object shared between
    // an explicit place and the inside of a UN sequence would need both.
    private readonly Dictionary<object, long> _explicitLengths = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<object, long> _implicitLengths = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<DicomDataElement, ReadOnlyMemory<byte>> _encodedText = new(ReferenceEqualityComparer.Instance);

    public DicomDatasetEncoder(DicomBufferedWriter writer, DicomWriterOptions options)
    {
        _writer = writer;
        _options = options;
    }

    /// <summary>Where a data set's character set comes from: its own Specific Character Set, else the enclosing one's.</summary>
    internal sealed class Scope(DicomDataset dataset, Scope? parent)
    {
        private DicomCharacterSet? _characterSet;

        public DicomCharacterSet CharacterSet => _characterSet ??=
            parent is null || dataset.Contains(DicomTags.SpecificCharacterSet) ? dataset.CharacterSet : parent.CharacterSet;
    }

    // ---------------------------------------------------------------- length pass

    /// <summary>The encoded length of a data set's elements (without any item header), cached.</summary>
    public long DatasetLength(DicomDataset dataset, Scope? parent, DicomEncoding encoding)
    {
        var cache = Cache(encoding);
        if (cache.TryGetValue(dataset, out var length)) return length;
        var scope = new Scope(dataset, parent);
        length = 0;
        foreach (var element in dataset) length += ElementLength(element, scope, encoding);
        cache[dataset] = length;
        return length;
    }

    private Dictionary<object, long> Cache(DicomEncoding encoding) => encoding.ExplicitVR ? _explicitLengths : _implicitLengths;

    /// <summary>The whole encoded length of an element: header, value, and delimiters.</summary>
    private long ElementLength(DicomElement element, Scope scope, DicomEncoding encoding)
    {
        if (Skip(element)) return 0;
        switch (element)
        {
            case DicomSequence sequence:
            {
                var inner = InnerEncoding(sequence, encoding);
                var undefined = IsUndefined(sequence, scope, encoding);
                return HeaderLength(DicomVR.SQ, encoding) + SequenceValueLength(sequence, scope, inner) + (undefined ? 8 : 0);
            }
            case DicomFragmentSequence fragments:
            {
                long length = HeaderLength(DicomVR.OB, encoding) + 8 + 4L * fragments.BasicOffsetTable.Length + 8;
                foreach (var fragment in fragments.Fragments) length += 8 + Even(fragment.Length);
                return length;
            }
            case DicomDataElement data:
            {
                if (data.Tag.IsGroupLength) return 12;
                if (IsEmptySequence(data))
                    return HeaderLength(DicomVR.SQ, encoding) + (_options.SequenceLength == DicomSequenceLength.Undefined ? 8 : 0);
                var valueLength = PaddedLength(data, scope);
                return HeaderLength(WrittenVR(data, valueLength, encoding), encoding) + valueLength;
            }
            default:
                throw new NotSupportedException($"Cannot write an element of type {element.GetType().Name}.");
        }
    }

    /// <summary>Sum of the encoded items (headers, contents, item delimiters) of a sequence, cached.</summary>
    private long SequenceValueLength(DicomSequence sequence, Scope scope, DicomEncoding inner)
    {
        var cache = Cache(inner);
        if (cache.TryGetValue(sequence, out var length)) return length;
        length = 0;
        foreach (var item in sequence.Items)
            length += 8 + DatasetLength(item, scope, inner) + (IsUndefined(item, scope, inner) ? 8 : 0);
        cache[sequence] = length;
        return length;
    }

    private bool IsUndefined(DicomSequence sequence, Scope scope, DicomEncoding encoding)
    {
        // PS3.5 §6.2.2: a UN element of undefined length holds a sequence in implicit VR little endian.
        if (sequence.VR == DicomVR.UN && encoding.ExplicitVR) return true;
        var undefined = _options.SequenceLength switch
        {
            DicomSequenceLength.Defined => false,
            DicomSequenceLength.Undefined => true,
            _ => sequence.UndefinedLength,
        };
        return undefined || SequenceValueLength(sequence, scope, InnerEncoding(sequence, encoding)) > MaxDefinedLength;
    }

    private bool IsUndefined(DicomDataset item, Scope scope, DicomEncoding encoding)
    {
        var undefined = _options.SequenceLength switch
        {
            DicomSequenceLength.Defined => false,
            DicomSequenceLength.Undefined => true,
            _ => item.UndefinedLength,
        };
        return undefined || DatasetLength(item, scope, encoding) > MaxDefinedLength;
    }

    private static DicomEncoding InnerEncoding(DicomSequence sequence, DicomEncoding encoding) =>
        sequence.VR == DicomVR.UN && encoding.ExplicitVR ? DicomEncoding.ImplicitLittle : encoding;

    private static int HeaderLength(DicomVR vr, DicomEncoding encoding) => encoding.ExplicitVR && DicomVRInfo.HasLongLength(vr) ? 12 : 8;

    private static long Even(long length) => length + (length & 1);

    /// <summary>The value length padded to even.</summary>
    private long PaddedLength(DicomDataElement data, Scope scope)
    {
        long length;
        if (data.BulkData is { } bulk) length = bulk.Length;
        else if (data.Text is not null) length = EncodedText(data, scope).Length;
        else
        {
            if (data.Bytes.IsEmpty && data.BulkDataUri is not null)
                throw new InvalidOperationException($"{data.Tag} holds only a BulkDataURI ({data.BulkDataUri}); resolve its bytes before writing.");
            length = data.Bytes.Length;
        }
        length = Even(length);
        if (length > MaxDefinedLength) throw new InvalidOperationException($"{data.Tag}: a value of {length} bytes exceeds the 32-bit length field.");
        return length;
    }

    private ReadOnlyMemory<byte> EncodedText(DicomDataElement data, Scope scope)
    {
        if (_encodedText.TryGetValue(data, out var bytes)) return bytes;
        bytes = data.GetBytes(scope.CharacterSet);
        _encodedText[data] = bytes;
        return bytes;
    }

    /// <summary>
    /// The VR to put in an explicit VR header. A value too long for the 16-bit length field of its VR (e.g. a string
    /// over 65534 bytes) is written as UN, whose length field has 32 bits (PS3.5 §6.2.2, as CP-1066 allows for values
    /// that cannot be encoded otherwise); the value bytes are unchanged, so readers that know the tag recover it.
    /// VRs that are not one of the standard's become UN too.
    /// </summary>
    private static DicomVR WrittenVR(DicomDataElement data, long paddedLength, DicomEncoding encoding)
    {
        var vr = data.VR;
        if (!encoding.ExplicitVR) return vr;
        if (!DicomVRInfo.IsKnown(vr) || vr == DicomVR.SQ) return DicomVR.UN;
        if (!DicomVRInfo.HasLongLength(vr) && paddedLength > 0xFFFF) return DicomVR.UN;
        return vr;
    }

    private static bool IsEmptySequence(DicomDataElement data) => data.VR == DicomVR.SQ && data.IsEmpty && data.BulkDataUri is null;

    /// <summary>Elements never written: delimiter-group tags, and group lengths when the options remove them.</summary>
    private bool Skip(DicomElement element) =>
        element.Tag.Group == 0xFFFE ||
        (_options.GroupLengths == DicomGroupLengthHandling.Remove && element.Tag.IsGroupLength && element.Tag.Group != 0x0002);

    // ---------------------------------------------------------------- write pass

    /// <summary>Writes a data set's elements (no item header).</summary>
    public async ValueTask WriteDatasetAsync(DicomDataset dataset, Scope? parent, DicomEncoding encoding)
    {
        var scope = new Scope(dataset, parent);
        var count = dataset.Count;
        for (var i = 0; i < count; i++)
        {
            var element = dataset[i];
            if (Skip(element)) continue;
            switch (element)
            {
                case DicomSequence sequence:
                    await WriteSequenceAsync(sequence, scope, encoding).ConfigureAwait(false);
                    break;
                case DicomFragmentSequence fragments:
                    await WriteFragmentsAsync(fragments, encoding).ConfigureAwait(false);
                    break;
                case DicomDataElement data when data.Tag.IsGroupLength:
                    await WriteGroupLengthAsync(data.Tag, GroupLength(dataset, i, scope, encoding), encoding).ConfigureAwait(false);
                    break;
                case DicomDataElement data when IsEmptySequence(data):
                    var undefined = _options.SequenceLength == DicomSequenceLength.Undefined;
                    await WriteHeaderAsync(data.Tag, DicomVR.SQ, undefined ? UndefinedLength : 0, encoding).ConfigureAwait(false);
                    if (undefined) await WriteItemHeaderAsync(DicomTag.SequenceDelimitationItem, 0, encoding).ConfigureAwait(false);
                    break;
                case DicomDataElement data:
                    await WriteDataElementAsync(data, scope, encoding).ConfigureAwait(false);
                    break;
                default:
                    throw new NotSupportedException($"Cannot write an element of type {element.GetType().Name}.");
            }
        }
    }

    /// <summary>The length of the elements after the group length at <paramref name="index"/> in the same group.</summary>
    private long GroupLength(DicomDataset dataset, int index, Scope scope, DicomEncoding encoding)
    {
        var group = dataset[index].Tag.Group;
        long length = 0;
        for (var j = index + 1; j < dataset.Count && dataset[j].Tag.Group == group; j++)
            length += ElementLength(dataset[j], scope, encoding);
        return length;
    }

    private async ValueTask WriteGroupLengthAsync(DicomTag tag, long value, DicomEncoding encoding)
    {
        if (value > uint.MaxValue) throw new InvalidOperationException($"Group {tag.Group:X4} is longer than a group length can express.");
        await WriteHeaderAsync(tag, DicomVR.UL, 4, encoding).ConfigureAwait(false);
        await _writer.EnsureAsync(4).ConfigureAwait(false);
        _writer.PutUInt32((uint)value, encoding.BigEndian);
    }

    private async ValueTask WriteDataElementAsync(DicomDataElement data, Scope scope, DicomEncoding encoding)
    {
        var padded = PaddedLength(data, scope);
        await WriteHeaderAsync(data.Tag, WrittenVR(data, padded, encoding), (uint)padded, encoding).ConfigureAwait(false);
        // Values are held little endian; OB, UN and strings have no swap unit and stay as they are.
        var swap = encoding.BigEndian ? DicomVRInfo.SwapUnit(data.VR) : 0;
        long length;
        if (data.BulkData is { } bulk)
        {
            length = bulk.Length;
            await CopyBulkDataAsync(bulk, swap).ConfigureAwait(false);
        }
        else
        {
            var bytes = data.Text is null ? data.Bytes : EncodedText(data, scope);
            length = bytes.Length;
            await _writer.WriteAsync(bytes, swap).ConfigureAwait(false);
        }
        if ((length & 1) != 0) await _writer.FillAsync(DicomVRInfo.PaddingByte(data.VR), 1).ConfigureAwait(false);
    }

    /// <summary>
    /// Streams a value from its source through the write buffer. A reference into a big endian source is opened raw
    /// (not through <see cref="DicomBulkDataReference.Open"/>, which would load it whole to swap it) and swapped
    /// chunk by chunk; big endian to big endian needs no swap at all.
    /// </summary>
    private async ValueTask CopyBulkDataAsync(DicomBulkDataReference reference, int targetSwap)
    {
        Stream stream;
        var sourceSwap = 0;
        if (reference.SwapUnit > 1 && reference.Source is not null)
        {
            stream = reference.Source.OpenRange(reference.Offset, reference.Length);
            sourceSwap = reference.SwapUnit;
        }
        else stream = reference.Open();
        try
        {
            await _writer.CopyFromAsync(stream, reference.Length, sourceSwap, targetSwap).ConfigureAwait(false);
        }
        finally
        {
            if (_writer.IsAsync) await stream.DisposeAsync().ConfigureAwait(false);
            else stream.Dispose();
        }
    }

    private async ValueTask WriteSequenceAsync(DicomSequence sequence, Scope scope, DicomEncoding encoding)
    {
        var inner = InnerEncoding(sequence, encoding);
        var undefined = IsUndefined(sequence, scope, encoding);
        var length = undefined ? UndefinedLength : (uint)SequenceValueLength(sequence, scope, inner);
        var vr = sequence.VR == DicomVR.UN && encoding.ExplicitVR ? DicomVR.UN : DicomVR.SQ;
        await WriteHeaderAsync(sequence.Tag, vr, length, encoding).ConfigureAwait(false);
        foreach (var item in sequence.Items)
        {
            var itemUndefined = IsUndefined(item, scope, inner);
            var itemLength = itemUndefined ? UndefinedLength : (uint)DatasetLength(item, scope, inner);
            await WriteItemHeaderAsync(DicomTag.Item, itemLength, inner).ConfigureAwait(false);
            await WriteDatasetAsync(item, scope, inner).ConfigureAwait(false);
            if (itemUndefined) await WriteItemHeaderAsync(DicomTag.ItemDelimitationItem, 0, inner).ConfigureAwait(false);
        }
        // Inside a UN sequence the delimiter is part of the implicit VR little endian value.
        if (undefined) await WriteItemHeaderAsync(DicomTag.SequenceDelimitationItem, 0, inner).ConfigureAwait(false);
    }

    private async ValueTask WriteFragmentsAsync(DicomFragmentSequence fragments, DicomEncoding encoding)
    {
        if (encoding.BigEndian)
            throw new NotSupportedException("Encapsulated pixel data cannot be written in a big endian transfer syntax.");
        var vr = fragments.VR == DicomVR.OW ? DicomVR.OW : DicomVR.OB;
        await WriteHeaderAsync(fragments.Tag, vr, UndefinedLength, encoding).ConfigureAwait(false);
        var table = fragments.BasicOffsetTable;
        await WriteItemHeaderAsync(DicomTag.Item, checked((uint)(4L * table.Length)), encoding).ConfigureAwait(false);
        foreach (var offset in table)
        {
            await _writer.EnsureAsync(4).ConfigureAwait(false);
            _writer.PutUInt32(offset, bigEndian: false);
        }
        foreach (var fragment in fragments.Fragments)
        {
            var padded = Even(fragment.Length);
            if (padded > MaxDefinedLength) throw new InvalidOperationException($"{fragments.Tag}: a fragment of {fragment.Length} bytes exceeds the 32-bit length field.");
            await WriteItemHeaderAsync(DicomTag.Item, (uint)padded, encoding).ConfigureAwait(false);
            if (fragment.Data is { } data) await _writer.WriteAsync(data, 0).ConfigureAwait(false);
            else await CopyBulkDataAsync(fragment.Reference!, 0).ConfigureAwait(false);
            // Fragments are even by rule (PS3.5 §A.4); an odd one gets a zero byte, which codecs ignore after the end marker.
            if (padded != fragment.Length) await _writer.FillAsync(0, 1).ConfigureAwait(false);
        }
        await WriteItemHeaderAsync(DicomTag.SequenceDelimitationItem, 0, encoding).ConfigureAwait(false);
    }

    private async ValueTask WriteHeaderAsync(DicomTag tag, DicomVR vr, uint length, DicomEncoding encoding)
    {
        await _writer.EnsureAsync(12).ConfigureAwait(false);
        _writer.PutUInt16(tag.Group, encoding.BigEndian);
        _writer.PutUInt16(tag.Element, encoding.BigEndian);
        if (!encoding.ExplicitVR)
        {
            _writer.PutUInt32(length, encoding.BigEndian);
            return;
        }
        var code = _writer.Take(2);
        code[0] = (byte)((ushort)vr >> 8);
        code[1] = (byte)vr;
        if (DicomVRInfo.HasLongLength(vr))
        {
            _writer.PutUInt16(0, false);
            _writer.PutUInt32(length, encoding.BigEndian);
        }
        else _writer.PutUInt16((ushort)length, encoding.BigEndian);
    }

    private async ValueTask WriteItemHeaderAsync(DicomTag tag, uint length, DicomEncoding encoding)
    {
        await _writer.EnsureAsync(8).ConfigureAwait(false);
        _writer.PutUInt16(tag.Group, encoding.BigEndian);
        _writer.PutUInt16(tag.Element, encoding.BigEndian);
        _writer.PutUInt32(length, encoding.BigEndian);
    }

    /// <summary>True when a fragment sequence appears anywhere in the data set (for the big endian check before writing).</summary>
    public static bool ContainsFragments(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            if (element is DicomFragmentSequence) return true;
            if (element is DicomSequence sequence)
                foreach (var item in sequence.Items)
                    if (ContainsFragments(item)) return true;
        }
        return false;
    }
}
