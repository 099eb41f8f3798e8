namespace EmailSync.Core.Mime;

/// <summary>
/// A write-only sink that counts every byte written but keeps only the first <c>cap</c> of them, so a
/// decoder can measure a 30 MB attachment without holding it.
/// </summary>
internal sealed class CappedBufferStream(long cap) : Stream
{
    private readonly long _cap = Math.Max(0, cap);
    private byte[] _buffer = [];
    private int _kept;

    /// <summary>Every byte written, kept or not.</summary>
    public long TotalBytes { get; private set; }

    public bool Truncated => TotalBytes > _kept;

    public ReadOnlySpan<byte> Kept => _buffer.AsSpan(0, _kept);

    public byte[] ToArray() => _buffer.AsSpan(0, _kept).ToArray();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => TotalBytes;

    public override long Position
    {
        get => TotalBytes;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        TotalBytes += buffer.Length;
        var room = (int)Math.Min(_cap - _kept, buffer.Length);
        if (room <= 0)
        {
            return;
        }

        if (_kept + room > _buffer.Length)
        {
            var size = (int)Math.Min(_cap, Math.Max((long)_buffer.Length * 2, Math.Max(_kept + room, 4096)));
            Array.Resize(ref _buffer, size);
        }

        buffer[..room].CopyTo(_buffer.AsSpan(_kept));
        _kept += room;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
